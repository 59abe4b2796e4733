//! One SSH connection: who it is (public keys from the allow-list only), what it may ask
//! for (one pty and the board; no exec, subsystem, forwarding or agent), and its bytes to
//! and from the hub.

use std::net::SocketAddr;
use std::sync::Arc;

use russh::server::{Auth, ChannelOpenHandle, Msg, Session, VerifiedPublicKey};
use russh::{Channel, ChannelId, ChannelWriteHalf, Pty as PtyMode};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tracing::warn;

use super::gate::Ticket;
use super::hub::{Pty, ToHub};
use super::screen::{Mailbox, Outgoing};
use super::shared::{Shared, Who};

/// Said to a client that asks to run a command.
pub(crate) const NO_COMMANDS: &str =
    "forceboard: this is a read-only board; it runs no commands (connect with plain ssh)\r\n";
/// At most this much of one read of a client's input is taken as keys.
const MAX_INPUT: usize = 1024;
/// Said to a client that asks for the board with no terminal.
pub(crate) const NEEDS_PTY: &str = "forceboard: the board needs a terminal (ssh -t)\r\n";

pub(crate) struct Connection {
    shared: Arc<Shared>,
    id: u64,
    peer: SocketAddr,
    /// Over the connection cap: every authentication is refused (the disconnect says why).
    refused: bool,
    ticket: Arc<Ticket>,
    who: Option<Who>,
    channel: Option<(ChannelId, ChannelWriteHalf<Msg>)>,
    pty: Option<Pty>,
    locale: Option<String>,
    /// The board's mailbox, once it has been opened in the hub.
    mailbox: Option<Arc<Mailbox>>,
    /// The timer that ends the session at its key's `expiry-time`, if it has one.
    expiry: Option<JoinHandle<()>>,
}

impl Connection {
    pub(crate) fn new(
        shared: Arc<Shared>,
        peer: SocketAddr,
        refused: bool,
        ticket: Arc<Ticket>,
    ) -> Connection {
        let id = shared.next_id();
        Connection {
            shared,
            id,
            peer,
            refused,
            ticket,
            who: None,
            channel: None,
            pty: None,
            locale: None,
            mailbox: None,
            expiry: None,
        }
    }

    fn hub(&self) -> &mpsc::Sender<ToHub> {
        &self.shared.hub
    }

    /// Refuses a channel request with a message on the client's stderr and exit status 1.
    /// The request is answered "success" only so that the client shows the message:
    /// OpenSSH drops a refused request's channel without printing what came on it.
    fn refuse(channel: ChannelId, message: &str, session: &mut Session) -> anyhow::Result<()> {
        session.channel_success(channel)?;
        session.extended_data(channel, 1, message.as_bytes().to_vec())?;
        session.exit_status_request(channel, 1)?;
        session.eof(channel)?;
        session.close(channel)?;
        Ok(())
    }
}

impl russh::server::Handler for Connection {
    type Error = anyhow::Error;

    async fn auth_publickey_offered(
        &mut self,
        user: &str,
        offer: russh::server::PublicKeyOffer<'_>,
    ) -> anyhow::Result<Auth> {
        // Only keys on the list are worth a signature; the check is made again once the
        // client has proved it holds the key.
        let keys = self.shared.keys();
        let known = keys.admit(offer.public_key, self.peer.ip()).is_some();
        if known && !self.refused {
            return Ok(Auth::Accept);
        }
        let reason = if self.refused {
            "the board is full"
        } else if keys.lists(offer.public_key) {
            "the key's from= does not allow this address"
        } else {
            "the key is not on the list"
        };
        let fingerprint = offer
            .public_key
            .fingerprint(russh::keys::HashAlg::Sha256)
            .to_string();
        self.shared.refused(self.peer, user, &fingerprint, reason);
        Ok(Auth::reject())
    }

    async fn auth_password(&mut self, user: &str, _password: &str) -> anyhow::Result<Auth> {
        // Never offered, but a script may try: logged (never the password) and refused.
        let reason = "password sign-in is not accepted";
        self.shared.refused(self.peer, user, "-", reason);
        Ok(Auth::reject())
    }

    async fn auth_publickey(
        &mut self,
        user: &str,
        key: VerifiedPublicKey<'_>,
    ) -> anyhow::Result<Auth> {
        let keys = self.shared.keys();
        let Some(entry) = keys
            .admit(key.public_key, self.peer.ip())
            .filter(|_| !self.refused)
        else {
            let fingerprint = key.public_key.fingerprint(russh::keys::HashAlg::Sha256);
            let reason = "the key is no longer allowed";
            self.shared
                .refused(self.peer, user, &fingerprint.to_string(), reason);
            return Ok(Auth::reject());
        };
        self.who = Some(Who {
            fingerprint: entry.fingerprint(),
            comment: entry.comment.clone(),
            peer: self.peer,
        });
        Ok(Auth::Accept)
    }

    async fn auth_succeeded(&mut self, _session: &mut Session) -> anyhow::Result<()> {
        self.ticket.sign_in();
        Ok(())
    }

    async fn channel_open_session(
        &mut self,
        channel: Channel<Msg>,
        reply: ChannelOpenHandle,
        _session: &mut Session,
    ) -> anyhow::Result<()> {
        // One board per connection.
        if self.channel.is_some() {
            return Ok(()); // dropping `reply` refuses the channel
        }
        // The read half is not read: the keys arrive through `data` below.
        let (_, write_half) = channel.split();
        self.channel = Some((write_half.id(), write_half));
        reply.accept().await;
        Ok(())
    }

    async fn pty_request(
        &mut self,
        channel: ChannelId,
        term: &str,
        columns: u32,
        rows: u32,
        _: u32,
        _: u32,
        _: &[(PtyMode, u32)],
        session: &mut Session,
    ) -> anyhow::Result<()> {
        // A client that does not know its size (OpenSSH's `-tt` with no terminal of its
        // own) sends 0×0, which RFC 4254 §6.2 says to ignore: it gets 80×24 until a
        // window change says otherwise.
        let (width, height) = cells(columns, rows).unwrap_or(UNKNOWN_SIZE);
        self.pty = Some(Pty {
            // A terminal's name is a few letters; a client's megabytes are not kept.
            term: term.chars().take(64).collect(),
            locale: None,
            width,
            height,
        });
        session.channel_success(channel)?;
        Ok(())
    }

    async fn env_request(
        &mut self,
        _channel: ChannelId,
        name: &str,
        value: &str,
        _session: &mut Session,
    ) -> anyhow::Result<()> {
        // Only the locale is taken (to know whether the terminal shows UTF-8).
        if matches!(name, "LANG" | "LC_ALL" | "LC_CTYPE") && self.locale.is_none() {
            self.locale = Some(value.chars().take(64).collect());
        }
        Ok(())
    }

    async fn shell_request(
        &mut self,
        channel: ChannelId,
        session: &mut Session,
    ) -> anyhow::Result<()> {
        let Some(mut pty) = self.pty.clone() else {
            return Self::refuse(channel, NEEDS_PTY, session);
        };
        let Some((_, write_half)) = self.channel.take() else {
            return Ok(());
        };
        pty.locale = self.locale.clone();
        let mailbox = Mailbox::new();
        tokio::spawn(write_frames(Arc::clone(&mailbox), write_half));
        self.mailbox = Some(Arc::clone(&mailbox));
        if let Some(who) = &self.who {
            self.shared.started(self.id, who.clone());
            self.expiry = Some(self.shared.end_at_expiry(self.id, who));
        }
        session.channel_success(channel)?;
        let open = ToHub::Open {
            id: self.id,
            pty,
            mailbox,
            fingerprint: self.who.as_ref().map(|who| who.fingerprint.clone()),
            operator: self.who.as_ref().map(|who| {
                if who.comment.trim().is_empty() {
                    who.fingerprint.clone()
                } else {
                    who.comment.clone()
                }
            }),
        };
        self.hub()
            .send(open)
            .await
            .map_err(|_| anyhow::anyhow!("the board has stopped"))?;
        Ok(())
    }

    async fn exec_request(
        &mut self,
        channel: ChannelId,
        _: &[u8],
        session: &mut Session,
    ) -> anyhow::Result<()> {
        self.refused_request("a command (exec)");
        Self::refuse(channel, NO_COMMANDS, session)
    }

    async fn subsystem_request(
        &mut self,
        channel: ChannelId,
        name: &str,
        session: &mut Session,
    ) -> anyhow::Result<()> {
        let name: String = name.chars().take(32).collect();
        self.refused_request(&format!("the subsystem {name:?}"));
        Self::refuse(channel, NO_COMMANDS, session)
    }

    async fn x11_request(
        &mut self,
        channel: ChannelId,
        _: bool,
        _: &str,
        _: &str,
        _: u32,
        session: &mut Session,
    ) -> anyhow::Result<()> {
        session.channel_failure(channel)?;
        Ok(())
    }

    async fn data(
        &mut self,
        _channel: ChannelId,
        data: &[u8],
        _session: &mut Session,
    ) -> anyhow::Result<()> {
        if self.mailbox.is_some() {
            // Keys come a few bytes at a time; a paste of more is not keys (and must not
            // fill the hub's queue with megabytes).
            let keys = data.get(..MAX_INPUT).unwrap_or(data);
            let input = ToHub::Input {
                id: self.id,
                bytes: keys.to_vec(),
            };
            // A full hub queue holds up this client's keys only.
            let _ = self.hub().send(input).await;
        }
        Ok(())
    }

    async fn window_change_request(
        &mut self,
        _channel: ChannelId,
        columns: u32,
        rows: u32,
        _: u32,
        _: u32,
        _session: &mut Session,
    ) -> anyhow::Result<()> {
        // A change to an unknown size (0×0) is ignored, as at the pty request.
        if let (Some(_), Some((width, height))) = (&self.mailbox, cells(columns, rows)) {
            let resize = ToHub::Resize {
                id: self.id,
                width,
                height,
            };
            let _ = self.hub().send(resize).await;
        }
        Ok(())
    }

    async fn channel_close(
        &mut self,
        _channel: ChannelId,
        _session: &mut Session,
    ) -> anyhow::Result<()> {
        self.gone("client closed the channel");
        Ok(())
    }
}

impl Connection {
    /// Logs a request the board does not grant, with who asked.
    fn refused_request(&self, what: &str) {
        let key = self
            .who
            .as_ref()
            .map_or("-", |who| who.fingerprint.as_str());
        let reason = format!("asked for {what}");
        self.shared.refused(self.peer, "-", key, &reason);
    }

    fn gone(&mut self, reason: &'static str) {
        if let Some(expiry) = self.expiry.take() {
            expiry.abort();
        }
        // The board ended it (its key expired, it was removed, idle…): that is why, even
        // when the client's disconnect is seen before the board's ending is logged.
        let reason = self
            .mailbox
            .as_ref()
            .and_then(|mailbox| mailbox.ended_because())
            .unwrap_or(reason);
        if let Some(mailbox) = self.mailbox.take() {
            mailbox.abandon();
            let _ = self.hub().try_send(ToHub::Gone { id: self.id });
        }
        self.shared.ended(self.id, reason);
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        self.gone("client disconnected");
    }
}

/// The board's size for a client that does not say its own.
const UNKNOWN_SIZE: (u16, u16) = (80, 24);

/// A pty size in cells as the board takes it: `None` when either side is 0 (the client
/// does not know), each side at most what a u16 holds.
fn cells(columns: u32, rows: u32) -> Option<(u16, u16)> {
    let side = |cells: u32| (cells > 0).then(|| u16::try_from(cells).unwrap_or(u16::MAX));
    Some((side(columns)?, side(rows)?))
}

/// Sends a session's frames as they come; closes the channel after the last bytes. Stops
/// when the connection goes, even while waiting for the client to take a frame.
async fn write_frames(mailbox: Arc<Mailbox>, channel: ChannelWriteHalf<Msg>) {
    tokio::select! {
        _ = mailbox.gone() => {}
        _ = send_frames(&mailbox, &channel) => {}
    }
}

async fn send_frames(mailbox: &Mailbox, channel: &ChannelWriteHalf<Msg>) {
    while let Some(outgoing) = mailbox.next().await {
        match outgoing {
            Outgoing::Frame(bytes) => {
                if channel.data_bytes(bytes).await.is_err() {
                    return;
                }
            }
            Outgoing::Close(bytes) => {
                // A dumb terminal has no screen to restore: nothing is sent.
                if !bytes.is_empty() && channel.data_bytes(bytes).await.is_err() {
                    warn!("could not restore a client's screen");
                }
                let _ = channel.exit_status(0).await;
                let _ = channel.eof().await;
                let _ = channel.close().await;
                return;
            }
        }
    }
}
