//! The four headline tiles: 999 answer, 101 answer, emergency and priority attendance.
//! Standard and compact tiles are lines of text; wall tiles show the mean in big digits.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Block;

use crate::engine::Status;
use crate::format::{dur, goal, human_target, pct, pct0};
use crate::ui::board::Board;

use super::bigtext;
use super::paint;
use super::text::{fit, put_centered, put_line};
use super::theme::Theme;
use super::trend;

/// The live state under a headline.
enum Live {
    Calls {
        waiting: u64,
        longest: Option<f64>,
    },
    Incidents {
        open: u64,
        breached: u64,
        oldest: Option<f64>,
    },
}

/// One headline figure and everything a tile says about it.
struct Headline<'a> {
    title: &'static str,
    short_title: &'static str,
    mean: Option<f64>,
    target: Option<f64>,
    status: Status,
    /// How many calls answered / incidents attended the mean is over.
    count: u64,
    count_word: &'static str,
    /// "SL" or "within".
    goal_label: &'static str,
    goal_pct: Option<f64>,
    actual_pct: Option<f64>,
    threshold: Option<f64>,
    p50: Option<f64>,
    p90: Option<f64>,
    live: Live,
    trend: &'a [Option<f64>],
}

fn headlines(board: &Board) -> [Headline<'_>; 4] {
    let c999 = &board.figures.calls.line_999;
    let c101 = &board.figures.calls.line_101;
    let call = |title, c: &crate::engine::CallFigures, trend| Headline {
        title,
        short_title: title,
        mean: c.mean_answer_s,
        target: c.target_s,
        status: c.status,
        count: c.answered,
        count_word: "answered",
        goal_label: "SL",
        goal_pct: c.sl_goal_pct,
        actual_pct: c.service_level_pct,
        threshold: c.sl_threshold_s,
        p50: c.p50_answer_s,
        p90: c.p90_answer_s,
        live: Live::Calls {
            waiting: c.waiting,
            longest: c.longest_wait_s,
        },
        trend,
    };
    let incident = |(title, short_title), i: &crate::engine::IncidentFigures, trend| Headline {
        title,
        short_title,
        mean: i.mean_attend_s,
        target: i.target_s,
        status: i.status,
        count: i.attended,
        count_word: "attended",
        goal_label: "within",
        goal_pct: i.goal_pct,
        actual_pct: i.within_target_pct,
        threshold: i.target_s,
        p50: i.p50_attend_s,
        p90: i.p90_attend_s,
        live: Live::Incidents {
            open: i.open,
            breached: i.open_breached,
            oldest: i.oldest_open_s,
        },
        trend,
    };
    let t = &board.trends;
    [
        call("999 answer", c999, &t.answer_999),
        call("101 answer", c101, &t.answer_101),
        incident(
            ("Emergency attendance", "Emerg. attendance"),
            &board.figures.incidents.emergency,
            &t.emergency,
        ),
        incident(
            ("Priority attendance", "Prio. attendance"),
            &board.figures.incidents.priority,
            &t.priority,
        ),
    ]
}

impl Headline<'_> {
    fn mean_text(&self) -> String {
        dur(self.mean)
    }

    fn target_text(&self) -> String {
        match self.target {
            Some(t) => format!("target {}", human_target(t)),
            None => "no target".to_string(),
        }
    }

    fn mean_lines(&self, theme: &Theme) -> Vec<Line<'static>> {
        let mean = Span::styled(
            self.mean_text(),
            theme.status(self.status).patch(theme.bold()),
        );
        let target = self.target_text();
        let short_target = self.target.map_or_else(
            || "no target".to_string(),
            |t| format!("/ {}", human_target(t)),
        );
        vec![
            Line::from(vec![
                mean.clone(),
                Span::styled(format!(" mean · {target}"), theme.dim()),
            ]),
            Line::from(vec![
                mean.clone(),
                Span::styled(format!(" · {target}"), theme.dim()),
            ]),
            Line::from(vec![
                mean.clone(),
                Span::styled(format!(" {short_target}"), theme.dim()),
            ]),
            Line::from(vec![mean]),
        ]
    }

    /// The status words; a figure with data but no target says so rather than
    /// "NO DATA".
    fn words(&self) -> &'static str {
        match (self.status, self.mean, self.target) {
            (Status::None, Some(_), None) => "· NO TARGET",
            (status, _, _) => status.words(),
        }
    }

    fn badge(&self, theme: &Theme) -> Span<'static> {
        Span::styled(format!(" {} ", self.words()), theme.badge(self.status))
    }

    fn status_lines(&self, theme: &Theme) -> Vec<Line<'static>> {
        let count = format!(" {} {}", self.count, self.count_word);
        vec![
            Line::from(vec![self.badge(theme), Span::styled(count, theme.dim())]),
            Line::from(vec![self.badge(theme)]),
            Line::styled(self.words(), theme.badge(self.status)),
        ]
    }

    /// `✔` when the percentage meets its goal, `✖` when not, `·` without either.
    fn goal_mark(&self, theme: &Theme) -> Span<'static> {
        match (self.actual_pct, self.goal_pct) {
            (Some(actual), Some(goal)) if actual >= goal => Span::styled("✔", theme.good()),
            (Some(_), Some(_)) => Span::styled("✖", theme.bad()),
            _ => Span::styled("·", theme.dim()),
        }
    }

    fn goal_lines(&self, theme: &Theme) -> Vec<Line<'static>> {
        let label = self.goal_label;
        let Some(threshold) = self.threshold else {
            return vec![Line::styled(format!("{label} -"), theme.dim())];
        };
        let threshold = human_target(threshold);
        let value = |text: String| Span::styled(text, theme.bold());
        let dim = |text: String| Span::styled(text, theme.dim());
        match self.goal_pct {
            Some(g) => {
                let mark = self.goal_mark(theme);
                // Widest first; `fit` takes the first that fits the tile.
                let line = |actual: String, goal_text: String| {
                    Line::from(vec![
                        dim(format!("{label} ")),
                        value(actual),
                        Span::raw(" "),
                        mark.clone(),
                        dim(goal_text),
                    ])
                };
                vec![
                    line(
                        pct(self.actual_pct),
                        format!(" goal {} ≤{threshold}", goal(g)),
                    ),
                    line(pct(self.actual_pct), format!(" goal {}", goal(g))),
                    line(pct0(self.actual_pct), format!(" ≥{}", goal(g))),
                ]
            }
            None => vec![
                Line::from(vec![
                    dim(format!("{label} ")),
                    value(pct(self.actual_pct)),
                    dim(format!(" ≤{threshold}")),
                ]),
                Line::from(vec![dim(format!("{label} ")), value(pct0(self.actual_pct))]),
            ],
        }
    }

    fn percentile_lines(&self, theme: &Theme) -> Vec<Line<'static>> {
        let dim = |text: &str| Span::styled(text.to_string(), theme.dim());
        let p50 = Span::raw(dur(self.p50));
        let p90 = Span::raw(dur(self.p90));
        vec![
            Line::from(vec![dim("p50 "), p50.clone(), dim(" · p90 "), p90.clone()]),
            Line::from(vec![dim("p50 "), p50, dim(" p90 "), p90.clone()]),
            Line::from(vec![dim("p90 "), p90]),
        ]
    }

    /// The live state: first line the count, second the age.
    fn live_lines(&self, theme: &Theme) -> (Vec<Line<'static>>, Vec<Line<'static>>) {
        let dim = |text: &str| Span::styled(text.to_string(), theme.dim());
        match self.live {
            Live::Calls { waiting, longest } => {
                let count = Span::styled(waiting.to_string(), theme.bold());
                (
                    vec![
                        Line::from(vec![dim("waiting now "), count.clone()]),
                        Line::from(vec![dim("waiting "), count]),
                    ],
                    vec![
                        Line::from(vec![dim("longest wait "), Span::raw(dur(longest))]),
                        Line::from(vec![dim("longest "), Span::raw(dur(longest))]),
                    ],
                )
            }
            Live::Incidents {
                open,
                breached,
                oldest,
            } => {
                let count = Span::styled(open.to_string(), theme.bold());
                let breached_span = if breached > 0 {
                    Span::styled(format!("{breached} BREACHED"), theme.alarm())
                } else {
                    Span::styled("0 breached".to_string(), theme.dim())
                };
                (
                    vec![
                        Line::from(vec![
                            dim("open "),
                            count.clone(),
                            dim(" · "),
                            breached_span.clone(),
                        ]),
                        Line::from(vec![dim("open "), count.clone(), dim(", "), breached_span]),
                        Line::from(vec![dim("open "), count]),
                    ],
                    vec![
                        Line::from(vec![dim("oldest open "), Span::raw(dur(oldest))]),
                        Line::from(vec![dim("oldest "), Span::raw(dur(oldest))]),
                    ],
                )
            }
        }
    }
}

/// The four tiles side by side (standard and compact).
pub fn draw_row(frame: &mut Frame, area: Rect, board: &Board, theme: &Theme) {
    let cells = Layout::horizontal([Constraint::Ratio(1, 4); 4]).split(area);
    let headlines = headlines(board);
    // Big digits only when all four fit, all at the same size.
    let scales: Vec<Option<(u16, u16)>> = headlines
        .iter()
        .zip(cells.iter())
        .map(|(headline, cell)| {
            let big = tile_big_area(Block::bordered().inner(*cell));
            bigtext::best_scale(&headline.mean_text(), big.width, big.height)
        })
        .collect();
    let common = if scales.iter().all(Option::is_some) {
        bigtext::common_scale(scales.iter().flatten().copied())
    } else {
        None
    };
    for (headline, cell) in headlines.iter().zip(cells.iter()) {
        draw_tile(frame, *cell, headline, common, board.amber_factor, theme);
    }
}

/// Lines of text in a tile.
const TILE_LINES: u16 = 6;

/// The rows above a tile's lines where big digits may go: what is left beyond the lines
/// and a three-row trend, at most two digit heights; empty when that is under five rows.
fn tile_big_area(inner: Rect) -> Rect {
    let spare = inner.height.saturating_sub(TILE_LINES + 3);
    if spare <= bigtext::ROWS {
        return Rect::new(inner.x, inner.y, inner.width, 0);
    }
    Rect::new(inner.x, inner.y, inner.width, spare.min(2 * bigtext::ROWS))
}

fn tile_title(headline: &Headline<'_>, width: u16, theme: &Theme) -> Line<'static> {
    fit(
        width.saturating_sub(2),
        [
            Line::styled(format!(" {} ", headline.title), theme.bold()),
            Line::styled(headline.title.to_string(), theme.bold()),
            Line::styled(format!(" {} ", headline.short_title), theme.bold()),
            Line::styled(headline.short_title.to_string(), theme.bold()),
        ],
    )
}

fn draw_tile(
    frame: &mut Frame,
    area: Rect,
    headline: &Headline<'_>,
    scale: Option<(u16, u16)>,
    amber: f64,
    theme: &Theme,
) {
    let title = tile_title(headline, area.width, theme);
    let inner = Block::bordered().inner(area);
    let buf = frame.buffer_mut();
    paint::bordered(buf, area, theme.border(headline.status), Some(&title));
    if inner.is_empty() {
        return;
    }
    let w = inner.width;
    let (live_count, live_age) = headline.live_lines(theme);
    // In display order, each with the priority to keep it when rows are short (0 first).
    let lines = [
        (0, fit(w, headline.mean_lines(theme))),
        (1, fit(w, headline.status_lines(theme))),
        (3, fit(w, headline.goal_lines(theme))),
        (5, fit(w, headline.percentile_lines(theme))),
        (2, fit(w, live_count)),
        (4, fit(w, live_age)),
    ];
    // With rows to spare (tall terminals), the mean also in big digits above the lines.
    let mut inner = inner;
    let big = tile_big_area(inner);
    if let Some(scale) = scale.filter(|_| !big.is_empty()) {
        let used = (bigtext::ROWS * scale.1).min(big.height);
        let style = theme.status(headline.status).patch(theme.bold());
        let text = headline.mean_text();
        bigtext::draw(
            buf,
            Rect {
                height: used,
                ..big
            },
            &text,
            scale,
            style,
        );
        let skip = (used + 1).min(inner.height);
        inner.y += skip;
        inner.height -= skip;
    }
    let rows = usize::from(inner.height);
    let keep: Vec<&Line> = lines
        .iter()
        .filter(|(priority, _)| *priority < rows)
        .map(|(_, line)| line)
        .collect();
    for (i, line) in keep.iter().enumerate() {
        put_line(buf, inner, inner.x, inner.y + i as u16, line);
    }
    let used = keep.len() as u16;
    if inner.height > used {
        let trend_area = Rect::new(inner.x, inner.y + used, inner.width, inner.height - used);
        let trend_area = Rect {
            height: trend_area.height.min(8),
            y: inner.bottom() - trend_area.height.min(8),
            ..trend_area
        };
        trend::draw(
            buf,
            trend_area,
            headline.trend,
            headline.target,
            amber,
            theme,
        );
    }
}

/// The four tiles as a 2×2 grid of big figures (wall).
pub fn draw_wall(frame: &mut Frame, area: Rect, board: &Board, theme: &Theme) {
    let [top, bottom] = Layout::vertical([Constraint::Ratio(1, 2); 2]).areas(area);
    let [a, b] = Layout::horizontal([Constraint::Ratio(1, 2); 2]).areas(top);
    let [c, d] = Layout::horizontal([Constraint::Ratio(1, 2); 2]).areas(bottom);
    let cells = [a, b, c, d];
    let headlines = headlines(board);
    // One digit size for all four, so that no figure looks more important by accident.
    let scales: Vec<Option<(u16, u16)>> = headlines
        .iter()
        .zip(cells)
        .map(|(headline, cell)| {
            let (big, _) = wall_rows(Block::bordered().inner(cell));
            bigtext::best_scale(&headline.mean_text(), big.width, big.height)
        })
        .collect();
    let common = bigtext::common_scale(scales.iter().flatten().copied());
    for ((headline, cell), own) in headlines.iter().zip(cells).zip(&scales) {
        let scale = own.and(common);
        draw_wall_tile(frame, cell, headline, scale, board.amber_factor, theme);
    }
}

/// Inside a wall tile: the rows for the big digits (below the title line), and how many
/// rows the trend gets at the bottom.
fn wall_rows(inner: Rect) -> (Rect, u16) {
    // Title, then digits, then badge, goal and live lines, then the trend.
    let fixed = 4u16;
    let trend_rows = if inner.height >= fixed + bigtext::ROWS + 4 {
        2
    } else {
        0
    };
    let spare = inner.height.saturating_sub(fixed + trend_rows);
    let y = inner.y.saturating_add(1).min(inner.bottom());
    (
        Rect::new(inner.x, y, inner.width, spare.min(inner.bottom() - y)),
        trend_rows,
    )
}

fn draw_wall_tile(
    frame: &mut Frame,
    area: Rect,
    headline: &Headline<'_>,
    scale: Option<(u16, u16)>,
    amber: f64,
    theme: &Theme,
) {
    let inner = Block::bordered().inner(area);
    let buf = frame.buffer_mut();
    paint::bordered(buf, area, theme.border(headline.status), None);
    if inner.is_empty() {
        return;
    }
    let w = inner.width;
    let title = fit(
        w,
        [
            Line::styled(
                format!("{} — mean", headline.title.to_uppercase()),
                theme.bold(),
            ),
            Line::styled(headline.title.to_uppercase(), theme.bold()),
        ],
    );
    let badge = fit(
        w,
        [
            Line::from(vec![
                headline.badge(theme),
                Span::styled(
                    match headline.target {
                        Some(_) => format!("  {}", headline.target_text()),
                        None => String::new(),
                    },
                    theme.dim(),
                ),
            ]),
            Line::from(vec![headline.badge(theme)]),
        ],
    );
    let (live_count, live_age) = headline.live_lines(theme);
    let goal = fit(w, headline.goal_lines(theme));
    let live = {
        let mut both = Vec::new();
        for count in &live_count {
            for age in &live_age {
                let mut spans = count.spans.clone();
                spans.push(Span::styled(" · ", theme.dim()));
                spans.extend(age.spans.iter().cloned());
                both.push(Line::from(spans));
            }
        }
        both.extend(live_count);
        fit(w, both)
    };
    let (big_area, trend_rows) = wall_rows(inner);
    put_centered(buf, inner, inner.y, &title);
    let text = headline.mean_text();
    let style = theme.status(headline.status).patch(theme.bold());
    match scale {
        Some(scale) => bigtext::draw(buf, big_area, &text, scale, style),
        None => {
            let line = Line::styled(text, style);
            put_centered(buf, big_area, big_area.y + big_area.height / 2, &line);
        }
    }
    let mut y = big_area.bottom();
    for line in [&badge, &goal, &live] {
        put_centered(buf, inner, y, line);
        y = y.saturating_add(1);
    }
    if trend_rows > 0 && y < inner.bottom() {
        let width = inner.width.min(48);
        let trend_area = Rect::new(
            inner.x + (inner.width - width) / 2,
            y,
            width,
            trend_rows.min(inner.bottom() - y),
        );
        trend::draw(
            buf,
            trend_area,
            headline.trend,
            headline.target,
            amber,
            theme,
        );
    }
}
