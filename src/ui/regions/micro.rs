//! Under 80×24 — a phone, a tmux pane with a status line: the micro layout keeps the four
//! headline figures with their status words, the calls waiting, the incidents open and
//! breached, and the feed's state. Under [`MICRO_WIDTH`]×[`MICRO_HEIGHT`] it is one line of
//! the most important figures rather than nothing.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};

use crate::format::dur;
use crate::ui::board::Board;

use super::headline::{Headline, Live, headlines};
use super::{breach, handlers};
use super::{footer, header};
use crate::ui::widgets::text::{fit, put_line};
use crate::ui::widgets::theme::Theme;

/// The smallest terminal the micro layout is drawn in; below it, one line.
pub(crate) const MICRO_WIDTH: u16 = 40;
pub(crate) const MICRO_HEIGHT: u16 = 12;
/// The layout's name, in the header and the help.
pub(crate) const LABEL: &str = "micro";

/// The micro layout: header, banners (as many as fit), the four figures, the queues, the
/// footer.
pub(crate) fn draw_micro(area: Rect, buf: &mut Buffer, board: &Board, theme: &Theme) {
    let banners = header::banners(board);
    // Four figures and two queue lines come first; banners get what is left.
    let spare = area.height.saturating_sub(2 + 4 + 2);
    let banner_rows = (banners.len() as u16).min(spare);
    let [head, banner_area, body, foot] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(banner_rows),
        Constraint::Min(0),
        Constraint::Length(1),
    ])
    .areas(area);
    header::draw_header(head, buf, board, LABEL, theme);
    header::draw_banners(banner_area, buf, &banners, theme);
    draw_figures_and_queues(body, buf, board, theme);
    footer::draw(foot, buf, board, theme);
}

/// The four figures, then the queues, then the lists as far as rows allow.
fn draw_figures_and_queues(area: Rect, buf: &mut Buffer, board: &Board, theme: &Theme) {
    let headlines = headlines(board);
    let figures = headlines
        .iter()
        .map(|headline| figure_line(headline, area.width, theme));
    let queues = queue_lines(&headlines, area.width, theme);
    let room = usize::from(area.height).saturating_sub(headlines.len() + queues.len());
    let rows = figures.chain(queues).chain(list_lines(board, room, theme));
    for (y, line) in (area.top()..area.bottom()).zip(rows) {
        put_line(buf, area, area.x, y, &line);
    }
}

/// One line at any width, however small: the feed's state when it is not live, then in
/// order of importance 999, emergency attendance, the queues, 101 and priority, as many as
/// fit.
pub(crate) fn draw_one_line(area: Rect, buf: &mut Buffer, board: &Board, theme: &Theme) {
    let headlines = headlines(board);
    let figure = |h: &Headline<'_>, label: &str| -> Vec<Span<'static>> {
        vec![
            Span::styled(format!("{label} "), theme.dim()),
            Span::styled(h.mean_text(), theme.status(h.status).patch(theme.bold())),
            Span::styled(
                format!(" {} ", theme.glyphs().mark(h.status)),
                theme.status(h.status),
            ),
        ]
    };
    let [c999, c101, emergency, priority] = &headlines;
    // 999's handler shortfall (schema v1.1) after the queues, which it never displaces.
    let short_999 = c999
        .staffing
        .as_ref()
        .and_then(|s| handlers::shortfall(s, theme))
        .map(|short| vec![Span::styled("999 ", theme.dim()), short, Span::raw(" ")])
        .unwrap_or_default();
    let parts = [
        figure(c999, "999"),
        figure(emergency, "E"),
        vec![Span::styled(
            format!("{} ", queue_counts(&headlines)),
            theme.warning(),
        )],
        short_999,
        figure(c101, "101"),
        figure(priority, "P"),
    ];
    let banner = header::banners(board).first().map(|(_, text)| text.clone());
    let styled = |state: String| {
        Some(state)
            .filter(|state| !state.is_empty())
            .map(|state| Span::styled(format!("{state} "), theme.alarm()))
    };
    let glyphs = theme.glyphs();
    let state = banner
        .as_deref()
        .and_then(|text| styled(glyphs.words_in_set(&short_state(text))));
    // Where the state and the figures do not fit together: the state alone (a paused
    // clock's words are long), then its first words with the figures.
    let first_words = banner
        .as_deref()
        .and_then(|text| styled(glyphs.words_in_set(&first_words(text))));
    let with = |state: Option<Span<'static>>| {
        let parts = &parts;
        (1..=parts.len()).rev().map(move |count| {
            let spans: Vec<Span<'static>> = state
                .iter()
                .cloned()
                .chain(parts[..count].iter().flatten().cloned())
                .collect();
            Line::from(spans)
        })
    };
    let candidates = with(state.clone())
        .chain(state.map(|state| Line::from(vec![state])))
        .chain(with(first_words));
    let line = fit(area.width, candidates);
    put_line(buf, area, area.x, area.y, &line);
}

/// `999  4.2s  ✔ ON TARGET  93.3% SL`, shortened to fit.
fn figure_line(headline: &Headline<'_>, width: u16, theme: &Theme) -> Line<'static> {
    let label = Span::styled(format!("{:<5}", short_label(headline)), theme.bold());
    let mean = Span::styled(
        format!("{:>8}  ", headline.mean_text()),
        theme.status(headline.status).patch(theme.bold()),
    );
    let words = Span::styled(headline.words(theme), theme.status(headline.status));
    let mark = theme.glyphs().mark(headline.status).to_string();
    let goal = headline.actual_pct.map(|actual| {
        Span::styled(
            format!(
                "  {} {}",
                crate::format::pct(Some(actual)),
                headline.goal_label
            ),
            theme.dim(),
        )
    });
    let mut widest = vec![label.clone(), mean.clone(), words.clone()];
    widest.extend(goal);
    let plain = [
        Line::from(widest),
        Line::from(vec![label.clone(), mean.clone(), words]),
        Line::from(vec![
            label,
            mean,
            Span::styled(mark, theme.status(headline.status)),
        ]),
    ];
    // A handler shortfall goes at the end of the line where it fits (schema v1.1).
    let short = headline
        .staffing
        .as_ref()
        .and_then(|s| handlers::shortfall(s, theme));
    let with_short = short.into_iter().flat_map(|short| {
        plain.clone().into_iter().map(move |line| {
            let mut spans = line.spans;
            spans.push(Span::raw("  "));
            spans.push(short.clone());
            Line::from(spans)
        })
    });
    fit(width, with_short.chain(plain.clone()))
}

fn short_label(headline: &Headline<'_>) -> &'static str {
    match headline.title {
        "999 answer" => "999",
        "101 answer" => "101",
        "Emergency attendance" => "Emerg",
        _ => "Prio",
    }
}

/// The calls waiting and the incidents open and breached: never dropped, only shortened.
fn queue_lines(headlines: &[Headline<'_>], width: u16, theme: &Theme) -> Vec<Line<'static>> {
    let Queues {
        waiting,
        longest,
        open,
        breached,
    } = queues(headlines);
    let waiting_style = if waiting > 0 {
        theme.warning()
    } else {
        theme.dim()
    };
    let breached_style = if breached > 0 {
        theme.alarm()
    } else {
        theme.dim()
    };
    let calls = fit(
        width,
        [
            Line::styled(
                format!("calls waiting {waiting}, longest {}", dur(longest)),
                waiting_style,
            ),
            Line::styled(format!("waiting {waiting}"), waiting_style),
        ],
    );
    let incidents = fit(
        width,
        [
            Line::styled(
                format!("incidents open {open}, {breached} BREACHED"),
                breached_style,
            ),
            Line::styled(format!("open {open}, {breached} BREACHED"), breached_style),
        ],
    );
    vec![calls, incidents]
}

/// With rows to spare (`room`): the breach watch (breached first), then the longest
/// waits, each saying `+N more` when cut short.
fn list_lines<'a>(
    board: &'a Board,
    room: usize,
    theme: &'a Theme,
) -> impl Iterator<Item = Line<'static>> + 'a {
    let (incidents_shown, incidents_hidden) =
        breach::cut(board.breach_watch.len(), board.open_total, room);
    let used = incidents_shown + usize::from(incidents_hidden > 0);
    let (waits_shown, waits_hidden) = breach::cut(
        board.longest_waits.len(),
        board.waiting_total,
        room.saturating_sub(used),
    );
    let incidents = board.breach_watch.iter().take(incidents_shown).map(|row| {
        let grade = match row.grade {
            crate::model::Grade::Emergency => "Emerg",
            crate::model::Grade::Priority => "Prio",
            crate::model::Grade::Scheduled => "Sched",
        };
        let target = breach::target_of(board, row.grade);
        let when = breach::countdown(row, target, board.warn_fraction, theme);
        let area = row.area.as_deref().unwrap_or("");
        Line::from(vec![
            Span::styled(format!("{grade:<5} {:<8} {area:<4} ", row.id), theme.dim()),
            when,
        ])
    });
    let more = |hidden: usize| (hidden > 0).then(|| breach::more_line(hidden, theme));
    let waits = board.longest_waits.iter().take(waits_shown).map(|row| {
        let area = row.area.as_deref().unwrap_or("");
        Line::from(vec![
            Span::styled(
                format!("{:<5} {:<8} {area:<4} ", row.line.label(), row.id),
                theme.dim(),
            ),
            Span::styled(
                format!("waiting {}", dur(Some(row.wait_s))),
                theme.warning(),
            ),
        ])
    });
    incidents
        .chain(more(incidents_hidden))
        .chain(waits)
        .chain(more(waits_hidden))
}

/// `wait 3 br 2`: calls waiting and incidents breached, in the fewest characters.
fn queue_counts(headlines: &[Headline<'_>]) -> String {
    let Queues {
        waiting, breached, ..
    } = queues(headlines);
    format!("wait {waiting} br {breached}")
}

/// What the four headlines' live states add up to.
struct Queues {
    waiting: u64,
    longest: Option<f64>,
    open: u64,
    breached: u64,
}

fn queues(headlines: &[Headline<'_>]) -> Queues {
    let mut totals = Queues {
        waiting: 0,
        longest: None,
        open: 0,
        breached: 0,
    };
    for headline in headlines {
        match headline.live {
            Live::Calls { waiting, longest } => {
                totals.waiting = totals.waiting.saturating_add(waiting);
                totals.longest = match (totals.longest, longest) {
                    (Some(a), Some(b)) => Some(a.max(b)),
                    (a, b) => a.or(b),
                };
            }
            Live::Incidents { open, breached, .. } => {
                totals.open = totals.open.saturating_add(open);
                totals.breached = totals.breached.saturating_add(breached);
            }
        }
    }
    totals
}

/// The first words of a banner, before its first dash (`FEED DOWN`, `REPLAY ×60`), and
/// the part that says a clock is paused (`TRAINING — PAUSED at 21:45:00`).
fn short_state(banner: &str) -> String {
    let paused = banner
        .split(" — ")
        .map(str::trim)
        .find(|part| part.starts_with("PAUSED"));
    match paused {
        Some(paused) => format!("{} — {paused}", first_words(banner)),
        None => first_words(banner),
    }
}

/// The first words of a banner, before its first dash: `FEED DOWN`, `TRAINING`.
fn first_words(banner: &str) -> String {
    banner
        .split(" — ")
        .next()
        .unwrap_or_default()
        .trim()
        .to_string()
}
