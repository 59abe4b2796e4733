//! One client's task: the backlog, then the live stream.

use std::io;
use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc;

/// Clients' lines are gathered into writes of about this size.
const WRITE_CHUNK: usize = 64 * 1024;

/// Writes the backlog, then every line queued for this client, until the queue closes or
/// the connection fails. A client too slow to keep its queue from filling is aborted by
/// the producer.
pub(super) async fn feed_client(
    stream: TcpStream,
    backlog: Vec<Arc<str>>,
    mut queue: mpsc::Receiver<Arc<str>>,
) -> io::Result<()> {
    let (mut reader, mut writer) = stream.into_split();
    let mut buffer = Vec::with_capacity(WRITE_CHUNK);
    for line in &backlog {
        buffer.extend_from_slice(line.as_bytes());
        if buffer.len() >= WRITE_CHUNK {
            writer.write_all(&buffer).await?;
            buffer.clear();
        }
    }
    drop(backlog);
    let mut reading = true;
    let mut scratch = [0_u8; 1024];
    loop {
        if !buffer.is_empty() {
            writer.write_all(&buffer).await?;
            buffer.clear();
        }
        tokio::select! {
            line = queue.recv() => {
                let Some(line) = line else { break };
                buffer.extend_from_slice(line.as_bytes());
                while buffer.len() < WRITE_CHUNK {
                    match queue.try_recv() {
                        Ok(line) => buffer.extend_from_slice(line.as_bytes()),
                        Err(_) => break,
                    }
                }
            }
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
