//! `--alert-command CMD`: run for each alert raised, escalated, acknowledged, alarmed
//! again or cleared, with the alert as one JSON object on its standard input — to play a
//! sound on the wall's PC, or page someone. It never holds the board up: each run is its
//! own task, given [`RUN_LIMIT`] before it is killed; at most [`PER_MINUTE`] start in a
//! minute (an alert storm must not fork a process per second for ever); and a failure is
//! said on the board in words.

use std::collections::VecDeque;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::AsyncWriteExt as _;

use super::alert_log::entry;
use crate::app::alerts::AlertEvent;

/// A run that has not finished in this long is killed, and counted as failed.
pub(crate) const RUN_LIMIT: Duration = Duration::from_secs(30);
/// At most this many runs start in any minute; the rest are skipped, and counted.
pub(crate) const PER_MINUTE: usize = 20;

#[derive(Debug, Default)]
struct Outcomes {
    runs: u64,
    skipped: u64,
    last_failure: Option<String>,
}

pub(crate) struct AlertCommand {
    command: String,
    started: VecDeque<Instant>,
    outcomes: Arc<Mutex<Outcomes>>,
}

impl AlertCommand {
    pub(crate) fn new(command: &str) -> AlertCommand {
        AlertCommand {
            command: command.to_string(),
            started: VecDeque::new(),
            outcomes: Arc::default(),
        }
    }

    /// Starts a run for each event (within the rate limit); returns at once.
    pub(crate) fn run(&mut self, events: &[AlertEvent]) {
        for event in events {
            let now = Instant::now();
            while self
                .started
                .front()
                .is_some_and(|at| now.duration_since(*at) >= Duration::from_secs(60))
            {
                self.started.pop_front();
            }
            if self.started.len() >= PER_MINUTE {
                if let Ok(mut outcomes) = self.outcomes.lock() {
                    outcomes.skipped += 1;
                }
                continue;
            }
            self.started.push_back(now);
            let input = format!("{}\n", entry(event));
            let command = self.command.clone();
            let outcomes = Arc::clone(&self.outcomes);
            tokio::spawn(async move {
                let failure = run_once(&command, input.as_bytes()).await.err();
                if let Ok(mut outcomes) = outcomes.lock() {
                    outcomes.runs += 1;
                    // Said until a run succeeds again.
                    if let Some(failure) = &failure {
                        tracing::warn!(%failure, "the alert command failed");
                    }
                    outcomes.last_failure = failure;
                }
            });
        }
    }

    /// What the board says about the command: its last failure, and runs skipped.
    pub(crate) fn problem(&self) -> Option<String> {
        let outcomes = self.outcomes.lock().ok()?;
        match (&outcomes.last_failure, outcomes.skipped) {
            (None, 0) => None,
            (Some(failure), 0) => Some(format!("alert command failed: {failure}")),
            (None, skipped) => Some(format!(
                "alert command skipped {skipped} times (more than {PER_MINUTE} a minute)"
            )),
            (Some(failure), skipped) => Some(format!(
                "alert command failed: {failure}; skipped {skipped} times"
            )),
        }
    }
}

/// One run: `sh -c COMMAND` with `input` on its standard input. `Err` says why it failed.
async fn run_once(command: &str, input: &[u8]) -> Result<(), String> {
    let mut child = tokio::process::Command::new("sh")
        .arg("-c")
        .arg(command)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .map_err(|error| format!("cannot start it ({error})"))?;
    if let Some(mut stdin) = child.stdin.take() {
        // A command that does not read its input is not a failure.
        let _ = stdin.write_all(input).await;
    }
    match tokio::time::timeout(RUN_LIMIT, child.wait()).await {
        Ok(Ok(status)) if status.success() => Ok(()),
        Ok(Ok(status)) => Err(match status.code() {
            Some(code) => format!("exit status {code}"),
            None => "killed by a signal".to_string(),
        }),
        Ok(Err(error)) => Err(format!("cannot wait for it ({error})")),
        Err(_) => Err(format!(
            "still running after {}s: killed",
            RUN_LIMIT.as_secs()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::alerts::{AlertKey, Measure};
    use crate::time::Timestamp;

    fn cleared() -> AlertEvent {
        AlertEvent::Cleared {
            key: AlertKey::Measure(Measure::FeedNotLive),
            at: Timestamp::from_nanos(0),
            value: None,
        }
    }

    #[tokio::test]
    async fn a_failing_command_is_said_in_words() {
        assert_eq!(
            run_once("exit 3", b"{}").await,
            Err("exit status 3".to_string())
        );
        assert_eq!(run_once("cat > /dev/null", b"{}").await, Ok(()));
    }

    #[tokio::test]
    async fn more_than_twenty_a_minute_are_skipped_and_counted() {
        let mut command = AlertCommand::new("true");
        command.run(&vec![cleared(); PER_MINUTE + 5]);
        assert_eq!(
            command.problem().as_deref(),
            Some("alert command skipped 5 times (more than 20 a minute)")
        );
    }
}
