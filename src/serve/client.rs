//! One client's task: takes its lines from the shared history — the clock, its backlog,
//! then the live stream — and writes them, until the server stops or drops it.

use std::io::{self, IoSlice};
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::net::tcp::OwnedWriteHalf;
use tokio::sync::watch;

use super::backlog::{Next, Shared, lock};

/// Writes `first`, then whatever client `id` takes from the history, woken by `wake`
/// when there is more. The lines are written from the history's own copies: a client
/// holds only the list of those it is writing.
pub(super) async fn feed_client(
    stream: TcpStream,
    shared: Arc<Mutex<Shared>>,
    id: u64,
    first: Arc<str>,
    mut wake: watch::Receiver<()>,
) -> io::Result<()> {
    let (mut reader, mut writer) = stream.into_split();
    let mut taken = vec![first];
    let mut reading = true;
    let mut scratch = [0_u8; 1024];
    loop {
        // Marked seen before taking, so a line sent after the take wakes the wait below.
        wake.borrow_and_update();
        match lock(&shared).take(id, &mut taken) {
            Next::Write => {}
            Next::Close => break,
            Next::Dropped => return Ok(()),
        }
        if !taken.is_empty() {
            write_lines(&mut writer, &taken).await?;
            taken.clear();
            continue;
        }
        tokio::select! {
            woken = wake.changed() => if woken.is_err() { break },
            // Whatever a client sends is ignored; reading only notices a reset early.
            read = reader.read(&mut scratch), if reading => match read {
                Ok(0) => reading = false,
                Ok(_) => {}
                Err(error) => return Err(error),
            },
        }
    }
    writer.shutdown().await
}

/// Writes `lines` in as few system calls as the socket takes.
async fn write_lines(writer: &mut OwnedWriteHalf, lines: &[Arc<str>]) -> io::Result<()> {
    let mut slices: Vec<IoSlice> = lines.iter().map(|l| IoSlice::new(l.as_bytes())).collect();
    let mut unwritten = &mut slices[..];
    while !unwritten.is_empty() {
        let written = writer.write_vectored(unwritten).await?;
        if written == 0 {
            return Err(io::ErrorKind::WriteZero.into());
        }
        IoSlice::advance_slices(&mut unwritten, written);
    }
    Ok(())
}
