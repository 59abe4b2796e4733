//! `forceboard publish`: runs the library's publisher until its source ends or a signal
//! (Ctrl-C, SIGTERM, SIGHUP) stops it — within 10 s, whether NATS answers or not — then
//! says what it did on stderr, lines left unconfirmed included.

use std::process::ExitCode;

use anyhow::Context;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::watch;

use super::PublishArgs;
use forceboard::config::Config;
use forceboard::feed::FeedSource;
use forceboard::format::printable;
use forceboard::publish::{PublishCounts, publish};

pub fn run(config: &Config, args: &PublishArgs) -> anyhow::Result<ExitCode> {
    let options = args.options(config)?;
    // A file read once must be there: unlike a followed file, it will not appear later.
    if let FeedSource::File {
        path,
        follow: false,
    } = &options.source
    {
        std::fs::File::open(path)
            .with_context(|| format!("cannot read {}", printable(&path.display().to_string())))?;
    }
    let subject = options.target.subject.clone();
    // One thread: the publisher, the NATS connection and the reader hand each line to
    // one another; on one thread a hand-over is a local wake, not a futex and an eventfd
    // write (a third of publish's CPU went to those; performance doc §33).
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let counts = runtime.block_on(async {
        let (stop_tx, stop) = watch::channel(false);
        let mut signals = [
            signal(SignalKind::interrupt())?,
            signal(SignalKind::terminate())?,
            signal(SignalKind::hangup())?,
        ];
        // The first signal stops the publisher (within 10 s); each one after it cuts its
        // wait for the acks still due short.
        tokio::spawn(async move {
            let [interrupt, terminate, hangup] = &mut signals;
            loop {
                tokio::select! {
                    _ = interrupt.recv() => {}
                    _ = terminate.recv() => {}
                    _ = hangup.recv() => {}
                }
                if stop_tx.send(true).is_err() {
                    break;
                }
            }
        });
        eprintln!("publishing on {subject}");
        anyhow::Ok(publish(options, stop).await?)
    })?;
    runtime.shutdown_timeout(std::time::Duration::from_millis(100));
    eprintln!("{}", summary(&subject, &counts));
    // Lines read but never confirmed by the stream are a failure to report.
    Ok(if counts.unconfirmed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn summary(subject: &str, counts: &PublishCounts) -> String {
    format!(
        "published {} lines on {subject} ({} already held, {} skipped on resuming, {} rejected, {} unconfirmed)",
        counts.published, counts.duplicates, counts.skipped, counts.rejected, counts.unconfirmed
    )
}
