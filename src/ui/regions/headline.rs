//! The four headline figures as the tiles show them: each figure's value, status, goal
//! and queue, and the words for them at every width.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::engine::{Staffing, Status};
use crate::format::{dur, dur_999, goal, human_target, pct};
use crate::model::CallLine;
use crate::ui::board::Board;

use crate::ui::widgets::theme::Theme;

/// The live state under a headline.
pub(super) enum Live {
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
pub(super) struct Headline<'a> {
    pub(super) title: &'static str,
    pub(super) short_title: &'static str,
    pub(super) mean: Option<f64>,
    pub(super) target: Option<f64>,
    pub(super) status: Status,
    /// The status's words, naming the measure that decided it (`✖ 2 BREACHED`).
    pub(super) status_words: String,
    /// How many calls answered / incidents attended the mean is over.
    pub(super) count: u64,
    pub(super) count_word: &'static str,
    /// "SL" or "within".
    pub(super) goal_label: &'static str,
    pub(super) goal_pct: Option<f64>,
    pub(super) actual_pct: Option<f64>,
    /// The share's verdict against its goal.
    pub(super) share_verdict: Status,
    pub(super) threshold: Option<f64>,
    pub(super) p50: Option<f64>,
    pub(super) p90: Option<f64>,
    /// How this figure's times are written: tenths of a second for 999, else `m ss`.
    pub(super) time_text: fn(Option<f64>) -> String,
    pub(super) live: Live,
    pub(super) trend: &'a [Option<f64>],
    /// The feed is stale or down: the status words say NOT LIVE and the figure is greyed.
    pub(super) not_live: bool,
    /// A call line's handlers, when the feed reports staffing at all (schema v1.1).
    pub(super) staffing: Option<Staffing>,
}

pub(super) fn headlines(board: &Board) -> [Headline<'_>; 4] {
    let not_live = board.feed.state.is_not_live();
    let c999 = &board.figures.calls.line_999;
    let c101 = &board.figures.calls.line_101;
    let staffing = |line| Some(*board.staffing.get(line)).filter(|s: &Staffing| s.reported);
    let call = |title, c: &crate::engine::CallFigures, time_text, trend, line| Headline {
        title,
        short_title: title,
        mean: c.mean_answer_s,
        target: c.target_s,
        status: c.status,
        status_words: c.status_words(line),
        count: c.answered,
        count_word: "answered",
        goal_label: "SL",
        goal_pct: c.sl_goal_pct,
        actual_pct: c.service_level_pct,
        share_verdict: c.verdicts.service_level,
        threshold: c.sl_threshold_s,
        p50: c.p50_answer_s,
        p90: c.p90_answer_s,
        time_text,
        live: Live::Calls {
            waiting: c.waiting,
            longest: c.longest_wait_s,
        },
        trend,
        not_live,
        staffing: staffing(line),
    };
    let incident = |(title, short_title), i: &crate::engine::IncidentFigures, trend| Headline {
        title,
        short_title,
        mean: i.mean_attend_s,
        target: i.target_s,
        status: i.status,
        status_words: i.status_words(),
        count: i.attended,
        count_word: "attended",
        goal_label: "within",
        goal_pct: i.goal_pct,
        actual_pct: i.within_target_pct,
        share_verdict: i.verdicts.within_target,
        threshold: i.target_s,
        p50: i.p50_attend_s,
        p90: i.p90_attend_s,
        time_text: dur,
        live: Live::Incidents {
            open: i.open,
            breached: i.open_breached,
            oldest: i.oldest_open_s,
        },
        trend,
        not_live,
        staffing: None,
    };
    let t = &board.trends;
    [
        call(
            "999 answer",
            c999,
            dur_999,
            &t.answer_999,
            CallLine::Emergency999,
        ),
        call(
            "101 answer",
            c101,
            dur,
            &t.answer_101,
            CallLine::NonEmergency101,
        ),
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
    pub(super) fn mean_text(&self) -> String {
        (self.time_text)(self.mean)
    }

    pub(super) fn target_text(&self) -> String {
        match self.target {
            Some(t) => format!("target {}", human_target(t)),
            None => "no target".to_string(),
        }
    }

    /// The mean's style: its status colour, or grey once it is no longer live.
    pub(super) fn mean_style(&self, theme: &Theme) -> Style {
        if self.not_live {
            return theme.dim();
        }
        theme.status(self.status).patch(theme.bold())
    }

    /// What the big digits are drawn with: shaded once the figure is no longer live.
    pub(super) fn digit_fill(&self, theme: &Theme) -> &'static str {
        if self.not_live {
            theme.glyphs().big_shaded
        } else {
            theme.glyphs().big_solid
        }
    }

    /// The tile's border: its status colour, or grey once it is no longer live.
    pub(super) fn border_style(&self, theme: &Theme) -> Style {
        if self.not_live {
            return theme.dim();
        }
        theme.border(self.status)
    }

    pub(super) fn mean_lines(&self, theme: &Theme) -> Vec<Line<'static>> {
        let sep = theme.glyphs().separator;
        let mean = Span::styled(self.mean_text(), self.mean_style(theme));
        let target = self.target_text();
        let short_target = self.target.map_or_else(
            || "no target".to_string(),
            |t| format!("/ {}", human_target(t)),
        );
        vec![
            Line::from(vec![
                mean.clone(),
                Span::styled(format!(" mean {sep} {target}"), theme.dim()),
            ]),
            Line::from(vec![
                mean.clone(),
                Span::styled(format!(" {sep} {target}"), theme.dim()),
            ]),
            Line::from(vec![
                mean.clone(),
                Span::styled(format!(" {short_target}"), theme.dim()),
            ]),
            Line::from(vec![mean]),
        ]
    }

    /// The status words, as `report` writes them too; a figure from a stale or dead feed
    /// has no status but NOT LIVE.
    pub(super) fn words(&self, theme: &Theme) -> String {
        let glyphs = theme.glyphs();
        if self.not_live {
            return format!("{} NOT LIVE", glyphs.stopped);
        }
        glyphs.words(&self.status_words)
    }

    fn badge_style(&self, theme: &Theme) -> Style {
        if self.not_live {
            return theme.not_live();
        }
        theme.badge(self.status)
    }

    pub(super) fn badge(&self, theme: &Theme) -> Span<'static> {
        Span::styled(format!(" {} ", self.words(theme)), self.badge_style(theme))
    }

    pub(super) fn status_lines(&self, theme: &Theme) -> Vec<Line<'static>> {
        let count = format!(" {} {}", self.count, self.count_word);
        vec![
            Line::from(vec![self.badge(theme), Span::styled(count, theme.dim())]),
            Line::from(vec![self.badge(theme)]),
            Line::styled(self.words(theme), self.badge_style(theme)),
        ]
    }

    /// The share's verdict: `✔` 5 points or more above its goal, `▲` within 5 points of
    /// it, `✖` below it, `·` without either — or while the feed is not live (no verdict
    /// over figures that stopped).
    pub(super) fn goal_mark(&self, theme: &Theme) -> Span<'static> {
        if self.not_live {
            return Span::styled(theme.glyphs().mark(Status::None), theme.not_live());
        }
        let style = match self.share_verdict {
            Status::Green => theme.good(),
            Status::Amber => theme.warning(),
            Status::Red => theme.bad(),
            Status::None => theme.dim(),
        };
        Span::styled(theme.glyphs().mark(self.share_verdict), style)
    }

    pub(super) fn goal_lines(&self, theme: &Theme) -> Vec<Line<'static>> {
        let label = self.goal_label;
        let Some(threshold) = self.threshold else {
            return vec![Line::styled(format!("{label} -"), theme.dim())];
        };
        let threshold = human_target(threshold);
        let value = |text: String| Span::styled(text, theme.bold());
        let dim = |text: String| Span::styled(text, theme.dim());
        let (at_most, at_least) = (theme.glyphs().at_most, theme.glyphs().at_least);
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
                let actual = pct(self.actual_pct);
                vec![
                    line(
                        actual.clone(),
                        format!(" goal {} {at_most}{threshold}", goal(g)),
                    ),
                    line(actual.clone(), format!(" goal {}", goal(g))),
                    line(actual.clone(), format!(" {at_least}{}", goal(g))),
                    line(actual, String::new()),
                ]
            }
            None => vec![
                Line::from(vec![
                    dim(format!("{label} ")),
                    value(pct(self.actual_pct)),
                    dim(format!(" {at_most}{threshold}")),
                ]),
                Line::from(vec![dim(format!("{label} ")), value(pct(self.actual_pct))]),
            ],
        }
    }

    pub(super) fn percentile_lines(&self, theme: &Theme) -> Vec<Line<'static>> {
        let dim = |text: &str| Span::styled(text.to_string(), theme.dim());
        let between = format!(" {} p90 ", theme.glyphs().separator);
        let p50 = Span::raw((self.time_text)(self.p50));
        let p90 = Span::raw((self.time_text)(self.p90));
        vec![
            Line::from(vec![dim("p50 "), p50.clone(), dim(&between), p90.clone()]),
            Line::from(vec![dim("p50 "), p50, dim(" p90 "), p90.clone()]),
            Line::from(vec![dim("p90 "), p90]),
        ]
    }

    /// The live state: first line the count, second the age.
    pub(super) fn live_lines(&self, theme: &Theme) -> (Vec<Line<'static>>, Vec<Line<'static>>) {
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
                            dim(&theme.glyphs().sep()),
                            breached_span.clone(),
                        ]),
                        Line::from(vec![
                            dim("open "),
                            count.clone(),
                            dim(", "),
                            breached_span.clone(),
                        ]),
                        // Narrower: a breach count is never the part that goes.
                        if breached > 0 {
                            Line::from(vec![breached_span.clone(), dim(" of "), count.clone()])
                        } else {
                            Line::from(vec![dim("open "), count.clone()])
                        },
                        if breached > 0 {
                            Line::from(vec![breached_span])
                        } else {
                            Line::from(vec![dim("open "), count])
                        },
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
