//! The handover page in a real browser: Debian's `chromium-headless-shell` (or
//! `chromium`), which `.ci/run` installs when missing, opens the page the binary writes,
//! prints it to PDF (A4) and takes a PNG screenshot. The page must open without a console
//! message, print on the expected number of pages, and the browser's own reading of it
//! must hold every bar and point of the charts.
//!
//! With `FORCEBOARD_WRITE_SCREENSHOT=1` the screenshot of the Friday surge is also written
//! to docs/images/handover.png, the picture in the README.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use super::common::nats::TempDir;

/// The browser: the headless shell if installed, else Chromium.
fn browser() -> &'static str {
    for candidate in [
        "/usr/bin/chromium-headless-shell",
        "/usr/bin/chromium",
        "/usr/lib/chromium/chromium",
    ] {
        if Path::new(candidate).exists() {
            return candidate;
        }
    }
    panic!("no Chromium (install it: apt-get install chromium-headless-shell)");
}

/// Runs the browser headless on `page` with `args`; the bound is only a safety net far
/// beyond the second or two it takes.
fn chromium(page: &Path, args: &[String]) -> Output {
    let profile = TempDir::new("chromium-profile");
    let child = Command::new(browser())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--allow-file-access-from-files",
            &format!("--user-data-dir={}", profile.0.display()),
        ])
        .args(args)
        .arg(format!("file://{}", page.display()))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("Chromium starts");
    // Read its output while it runs (a page's DOM is more than a pipe holds).
    let pid = child.id();
    let (done, finished) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = done.send(child.wait_with_output());
    });
    match finished.recv_timeout(Duration::from_secs(180)) {
        Ok(output) => output.expect("Chromium's output"),
        Err(_) => {
            let _ = Command::new("kill").arg(pid.to_string()).status();
            panic!("Chromium did not finish with {}", page.display());
        }
    }
}

/// The page's console messages, as the headless browser logs them on standard error.
fn console_messages(output: &Output) -> Vec<String> {
    String::from_utf8_lossy(&output.stderr)
        .lines()
        .filter(|line| line.contains(":CONSOLE"))
        .map(str::to_string)
        .collect()
}

/// `report --format html` of `feed` over `(from, to]`, written into `dir`.
fn handover_page(dir: &Path, feed: &str, from: &str, to: &str) -> PathBuf {
    let output = Command::new(env!("CARGO_BIN_EXE_forceboard"))
        .args([
            "report", feed, "--format", "html", "--from", from, "--to", to,
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the binary runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let path = dir.join("shift.html");
    std::fs::write(&path, &output.stdout).expect("write the page");
    path
}

/// Pages of a PDF: its `/Type /Page` objects (not `/Pages`).
fn pdf_pages(pdf: &[u8]) -> usize {
    let text = String::from_utf8_lossy(pdf);
    text.match_indices("/Type")
        .filter(|(at, _)| {
            let rest = text[at + 5..].trim_start();
            rest.starts_with("/Page") && !rest.starts_with("/Pages")
        })
        .count()
}

/// A PNG's width and height, from its header.
fn png_size(png: &[u8]) -> (u32, u32) {
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    let word = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().unwrap());
    (word(16), word(20))
}

#[test]
fn a_console_error_is_seen_so_its_absence_means_something() {
    let dir = TempDir::new("chromium-broken");
    let page = dir.0.join("broken.html");
    std::fs::write(
        &page,
        "<!DOCTYPE html><html><body><svg><line x2=\"f\"/></svg></body></html>",
    )
    .unwrap();
    let output = chromium(&page, &["--dump-dom".to_string()]);
    assert!(
        !console_messages(&output).is_empty(),
        "a bad SVG length goes unheard"
    );
}

#[test]
fn the_worked_example_prints_on_nine_a4_pages_without_a_console_message() {
    let dir = TempDir::new("chromium-example");
    let page = handover_page(
        &dir.0,
        "fixtures/spec-example.ndjson",
        "2024-07-01T11:00:00Z",
        "2024-07-01T12:00:00Z",
    );
    let pdf = dir.0.join("shift.pdf");
    let output = chromium(
        &page,
        &[
            format!("--print-to-pdf={}", pdf.display()),
            "--no-pdf-header-footer".to_string(),
        ],
    );
    assert_eq!(console_messages(&output), Vec::<String>::new());
    // The headline; the charts (seven, three to a page); the force's and seven areas'
    // interval tables; the breaches; the feed's health: each section from a new page.
    assert_eq!(pdf_pages(&std::fs::read(&pdf).unwrap()), 9);
}

#[test]
fn the_friday_surge_renders_every_bar_and_point_and_a_screenshot() {
    let dir = TempDir::new("chromium-surge");
    let page = handover_page(
        &dir.0,
        "fixtures/scenarios/friday-surge.ndjson",
        "2024-07-05T18:00:00+01:00",
        "2024-07-06T00:00:00+01:00",
    );
    let dom = chromium(&page, &["--dump-dom".to_string()]);
    assert_eq!(console_messages(&dom), Vec::<String>::new());
    let dom = String::from_utf8_lossy(&dom.stdout);
    // 24 quarter-hours: a bar each for the 999 and 101 means, two for open and past
    // target; 11 attendance bins for each of two grades; no staffing events, no handlers'
    // bars: 24 + 24 + 48 + 22 = 118. Every quarter had 999 and 101 calls answered, so a
    // service level and a p90 each for both lines: 4 × 24 = 96 points.
    assert_eq!(dom.matches("class=\"bar ").count(), 118);
    assert_eq!(dom.matches("class=\"point ").count(), 96);
    assert_eq!(dom.matches("<svg ").count(), 7);

    let png = dir.0.join("shift.png");
    let output = chromium(
        &page,
        &[
            format!("--screenshot={}", png.display()),
            "--window-size=900,1500".to_string(),
        ],
    );
    assert_eq!(console_messages(&output), Vec::<String>::new());
    let bytes = std::fs::read(&png).unwrap();
    assert_eq!(png_size(&bytes), (900, 1500));
    if std::env::var_os("FORCEBOARD_WRITE_SCREENSHOT").is_some() {
        let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/images/handover.png");
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(target, bytes).unwrap();
    }
}
