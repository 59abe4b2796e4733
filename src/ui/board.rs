//! Everything one frame shows, as plain data built from the engine. Pure: `now` is passed in.

use chrono_tz::Tz;

use crate::config::{Config, Window};
use crate::engine::{
    Engine, Figures, HeadlineMeans, OpenIncident, Scope, StaffingByLine, Status, WaitingCall,
};
use crate::format::printable;
use crate::time::{Span, Timestamp};

use super::status::{FeedStatus, Mode};
use super::view::View;
use super::widgets::text::needs_year;

/// How many points each trend has.
pub(crate) const TREND_POINTS: usize = 24;
/// The step between trend points.
pub(crate) const TREND_STEP: Span = Span::from_mins(5);
/// At most this many rows of the breach watch and of the longest waits are kept.
pub(crate) const LIST_LIMIT: usize = 50;

/// One area's row of the area table.
#[derive(Debug, Clone, PartialEq)]
pub struct AreaRow {
    pub code: String,
    /// The configured name, or the code for an area seen only in the feed.
    pub(crate) name: String,
    pub(crate) figures: Figures,
}

/// The four headline means over the selected window: oldest first, the 23 past points on
/// the 5-minute marks `m − k · 5 min` for k = 23 … 1, where `m` is the last mark at or
/// before `now` (`floor(now / 5 min) · 5 min`), then the current point at `now` itself.
/// `None` where there was no data. On the marks, a past point holds still as the clock
/// ticks between marks, so the line does not wobble from one second to the next.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Trends {
    pub(crate) answer_999: Vec<Option<f64>>,
    pub(crate) answer_101: Vec<Option<f64>>,
    pub(crate) emergency: Vec<Option<f64>>,
    pub(crate) priority: Vec<Option<f64>>,
}

/// Everything a frame shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Board {
    pub(crate) force_name: String,
    pub now: Timestamp,
    pub(crate) tz: Tz,
    pub window: Window,
    /// Every configured window's label, in key order (`1`, `2`, `3`…).
    pub(crate) window_labels: Vec<String>,
    /// "West Midlands Police" for the force, else the area's name.
    pub scope_label: String,
    /// The area shown, by code; `None` = the force.
    pub scope_code: Option<String>,
    /// The figures of the scope shown.
    pub figures: Figures,
    /// The whole force's figures (the same as `figures` when no area is selected).
    pub force_figures: Figures,
    /// Every known area: configured ones first, in config order, then others by code.
    pub areas: Vec<AreaRow>,
    pub(crate) trends: Trends,
    /// Each call line's handlers and forecast at `now` (schema v1.1; force-wide, whatever
    /// the scope). All `None`, and not drawn, for a feed that reports no staffing.
    pub staffing: StaffingByLine,
    /// Open emergency and priority incidents in scope: the breached first (emergencies,
    /// then priorities, most overdue first), then the nearest to breaching (at most
    /// [`LIST_LIMIT`]).
    pub breach_watch: Vec<OpenIncident>,
    /// How many open emergency and priority incidents there are in all.
    pub open_total: usize,
    /// Calls waiting in scope, longest first (at most [`LIST_LIMIT`]).
    pub longest_waits: Vec<WaitingCall>,
    /// How many calls are waiting in all.
    pub waiting_total: usize,
    pub warn_fraction: f64,
    pub mode: Mode,
    pub feed: FeedStatus,
    /// The view's notice (where `H` wrote the handover), as a banner.
    pub notice: Option<String>,
    /// `now` is more than a day from the wall clock (a served recording's or a replay's
    /// day): every date shown says its year. See [`Board::seen_at`].
    pub(crate) dates_with_year: bool,
    /// The raised alerts, in the order shown (critical first, newest first).
    pub alerts: Vec<AlertLine>,
    /// What went wrong with `--alert-command`, in words.
    pub alert_problem: Option<String>,
    /// The note being typed for an acknowledgement (after `A`), if one is.
    pub note_prompt: Option<String>,
}

/// A raised alert as a board shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertLine {
    pub critical: bool,
    /// What, and how far past its threshold: `999 service level 72.0% (under 80.0%)`.
    pub text: String,
    /// Who acknowledged it: it stays, without the pulse, until it clears.
    pub acknowledged_by: Option<String>,
}

impl Board {
    /// Builds the board for `view` at `now`. The window is the configured one at
    /// `view.window_index` (the last if out of range); the scope is `view.area` when the
    /// engine knows that code, else the force.
    pub fn build(
        engine: &Engine,
        config: &Config,
        view: &View,
        now: Timestamp,
        mode: Mode,
        feed: FeedStatus,
    ) -> Board {
        let window = config
            .windows
            .get(view.window_index)
            .or(config.windows.last())
            .cloned()
            .unwrap_or_else(|| Window::new(Span::HOUR));
        let scope_code = view
            .area
            .as_ref()
            .filter(|code| engine.area_codes().contains(code))
            .cloned();
        let scope = match &scope_code {
            Some(code) => Scope::Area(code),
            None => Scope::Force,
        };
        let scope_label = shown(match &scope_code {
            Some(code) => config.area_name(code),
            None => &config.force_name,
        });

        let scoped = engine.scoped_figures(now, window.span);
        let figures = match &scope_code {
            Some(code) => scoped
                .areas
                .iter()
                .find(|(known, _)| known == code)
                .map_or_else(
                    || engine.figures(now, window.span, scope),
                    |(_, f)| f.clone(),
                ),
            None => scoped.force.clone(),
        };
        // While the feed is not live the table gives no verdicts: no ✔ over figures the
        // board no longer keeps up to date.
        let not_live = feed.state.is_not_live();
        let judged = |mut figures: Figures| {
            if not_live {
                without_verdicts(&mut figures);
            }
            figures
        };
        let areas = scoped
            .areas
            .iter()
            .cloned()
            .map(|(code, figures)| AreaRow {
                name: shown(config.area_name(&code)),
                code: shown(&code),
                figures: judged(figures),
            })
            .collect();

        let trends = trends(engine, now, window.span, scope, &figures);

        // Breached first, emergencies before priorities, then the nearest to breaching.
        let mut breach = engine.open_incidents_top(now, scope, LIST_LIMIT);
        for row in &mut breach.rows {
            row.id = shown(&row.id);
            row.area = row.area.as_deref().map(shown);
        }
        let mut waits = engine.waiting_calls_top(now, scope, LIST_LIMIT);
        for row in &mut waits.rows {
            row.id = shown(&row.id);
            row.area = row.area.as_deref().map(shown);
        }

        Board {
            notice: view.notice.as_deref().map(shown),
            force_name: shown(&config.force_name),
            now,
            tz: config.timezone,
            window,
            window_labels: config.windows.iter().map(|w| w.label.clone()).collect(),
            scope_label,
            scope_code: scope_code.as_deref().map(shown),
            figures,
            force_figures: judged(scoped.force),
            areas,
            trends,
            staffing: engine.staffing_by_line(now),
            breach_watch: breach.rows,
            open_total: breach.total,
            longest_waits: waits.rows,
            waiting_total: waits.total,
            warn_fraction: config.warn_fraction,
            mode,
            feed,
            dates_with_year: false,
            alerts: Vec::new(),
            alert_problem: None,
            note_prompt: None,
        }
    }

    /// The board as seen when the wall clock reads `wall`: its dates say their year when
    /// its time is more than a day from the wall's. (Kept out of [`build`](Self::build) so
    /// that the frame holds no wall time: a paused board draws the same frame each tick.)
    #[must_use]
    pub fn seen_at(mut self, wall: Timestamp) -> Board {
        self.dates_with_year = needs_year(self.now, wall);
        self
    }
}

impl Board {
    /// The area codes in table order: what `a` cycles through ([`View::apply`]).
    pub fn area_codes(&self) -> Vec<String> {
        self.areas.iter().map(|a| a.code.clone()).collect()
    }

    /// Where the scope shown stands in the round that `a` and `--rotate` go through
    /// (the force, then each area): `(position from 1, how many)`.
    pub(crate) fn scope_position(&self) -> (usize, usize) {
        let position = match &self.scope_code {
            None => 1,
            Some(code) => self
                .areas
                .iter()
                .position(|a| &a.code == code)
                .map_or(1, |i| i + 2),
        };
        (position, self.areas.len() + 1)
    }
}

/// The four headline means at the 23 marks before `now`'s mark, then at `now` (`current`).
fn trends(
    engine: &Engine,
    now: Timestamp,
    span: Span,
    scope: Scope<'_>,
    current: &Figures,
) -> Trends {
    // The time since the last mark, in raw nanoseconds: a Span has no remainder.
    let since_mark = Span::from_nanos(now.nanos().rem_euclid(TREND_STEP.nanos()));
    let mark = now - since_mark;
    let points: Vec<Timestamp> = (1..TREND_POINTS as i64)
        .rev()
        .map(|k| mark - TREND_STEP * k)
        .collect();
    let mut trends = Trends::default();
    let past = engine.headline_means(&points, span, scope);
    for means in past.iter().chain([&HeadlineMeans::of(current)]) {
        trends.answer_999.push(means.answer_999);
        trends.answer_101.push(means.answer_101);
        trends.emergency.push(means.emergency);
        trends.priority.push(means.priority);
    }
    trends
}

/// The figures with no verdict at all (each [`Status::None`]).
fn without_verdicts(figures: &mut Figures) {
    for line in [&mut figures.calls.line_999, &mut figures.calls.line_101] {
        line.status = Status::None;
        line.verdicts.mean = Status::None;
        line.verdicts.service_level = Status::None;
    }
    let grades = &mut figures.incidents;
    for grade in [
        &mut grades.emergency,
        &mut grades.priority,
        &mut grades.scheduled,
    ] {
        grade.status = Status::None;
        grade.verdicts.mean = Status::None;
        grade.verdicts.within_target = Status::None;
        grade.verdicts.breached = Status::None;
    }
}

/// Text from the feed or the configuration as the screen shows it: control characters
/// escaped, so an id or area code can never drive the terminal.
fn shown(text: &str) -> String {
    printable(text).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feed::parse_line;
    use crate::time::parse_rfc3339;
    use crate::ui::status::FeedState;

    fn engine(config: &Config, lines: &[&str]) -> Engine {
        let mut engine = Engine::new(config.engine_settings(None));
        for line in lines {
            let event = parse_line(line.as_bytes()).expect("valid test line");
            engine.ingest(event).expect("accepted");
        }
        engine
    }

    fn at(text: &str) -> Timestamp {
        parse_rfc3339(text).unwrap()
    }

    const LINES: &[&str] = &[
        r#"{"kind":"call_offered","at":"2024-07-01T10:00:00Z","id":"A","line":"999","lpa":"BIR"}"#,
        r#"{"kind":"call_answered","at":"2024-07-01T10:00:04Z","id":"A"}"#,
        r#"{"kind":"call_offered","at":"2024-07-01T11:00:00Z","id":"B","line":"999","lpa":"COV"}"#,
        r#"{"kind":"call_answered","at":"2024-07-01T11:00:10Z","id":"B"}"#,
        r#"{"kind":"call_offered","at":"2024-07-01T11:59:00Z","id":"W","line":"101","lpa":"COV"}"#,
        r#"{"kind":"incident_created","at":"2024-07-01T11:50:00Z","id":"E1","grade":"emergency","lpa":"BIR"}"#,
        r#"{"kind":"incident_created","at":"2024-07-01T11:30:00Z","id":"E2","grade":"emergency","lpa":"COV"}"#,
        r#"{"kind":"incident_created","at":"2024-07-01T11:00:00Z","id":"E3","grade":"emergency","lpa":"XYZ"}"#,
    ];

    fn build(view: &View) -> Board {
        let config = Config::default();
        let engine = engine(&config, LINES);
        Board::build(
            &engine,
            &config,
            view,
            at("2024-07-01T12:00:00Z"),
            Mode::Live,
            FeedStatus::default(),
        )
    }

    #[test]
    fn the_window_is_the_views_or_the_last() {
        let mut view = View::default();
        assert_eq!(build(&view).window.label, "15m");
        view.window_index = 1;
        assert_eq!(build(&view).window.label, "1h");
        assert_eq!(build(&view).window_labels, ["15m", "1h", "24h"]);
        view.window_index = 2;
        let board = build(&view);
        assert_eq!(board.window.label, "24h");
        // Over 24 h both 999 calls count: mean (4 + 10) / 2.
        assert_eq!(board.figures.calls.line_999.mean_answer_s, Some(7.0));
        view.window_index = 9;
        assert_eq!(build(&view).window.label, "24h");
    }

    #[test]
    fn the_area_is_the_views_when_known_else_the_force() {
        let mut view = View {
            window_index: 2,
            ..View::default()
        };
        let force = build(&view);
        assert_eq!(force.scope_code, None);
        assert_eq!(force.scope_label, "West Midlands Police");
        assert_eq!(force.breach_watch.len(), 3);
        assert_eq!(force.open_total, 3);
        assert_eq!(force.waiting_total, 1);

        view.area = Some("COV".into());
        let cov = build(&view);
        assert_eq!(cov.scope_code.as_deref(), Some("COV"));
        assert_eq!(cov.scope_label, "Coventry");
        assert_eq!(cov.figures.calls.line_999.mean_answer_s, Some(10.0));
        assert_eq!(cov.force_figures.calls.line_999.mean_answer_s, Some(7.0));
        let ids: Vec<&str> = cov.breach_watch.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids, ["E2"]);
        assert_eq!(cov.breach_watch[0].time_left_s, Some(900.0 - 1800.0));
        assert_eq!(cov.longest_waits.len(), 1);
        assert_eq!(cov.longest_waits[0].wait_s, 60.0);

        // A code seen only in the feed is an area, shown under its code.
        view.area = Some("XYZ".into());
        let xyz = build(&view);
        assert_eq!(xyz.scope_label, "XYZ");
        assert_eq!(xyz.figures.incidents.emergency.open, 1);

        // An unknown code falls back to the force.
        view.area = Some("NOPE".into());
        let fallback = build(&view);
        assert_eq!(fallback.scope_code, None);
        assert_eq!(fallback.figures, force.figures);
    }

    #[test]
    fn areas_are_configured_then_seen_with_names() {
        let board = build(&View::default());
        let rows: Vec<(&str, &str)> = board
            .areas
            .iter()
            .map(|a| (a.code.as_str(), a.name.as_str()))
            .collect();
        assert_eq!(rows.len(), 8);
        assert_eq!(rows[0], ("BIR", "Birmingham"));
        assert_eq!(rows[6], ("WOL", "Wolverhampton"));
        assert_eq!(rows[7], ("XYZ", "XYZ"));
        assert_eq!(board.area_codes()[7], "XYZ");
        // The force, then the eight areas: nine in the round.
        assert_eq!(board.scope_position(), (1, 9));
        let view = View {
            area: Some("COV".into()),
            ..View::default()
        };
        assert_eq!(build(&view).scope_position(), (3, 9));
    }

    #[test]
    fn trend_points_are_the_window_means_every_five_minutes() {
        // 15m window: point k covers (12:00 − 5k min − 15 min, 12:00 − 5k min].
        let board = build(&View::default());
        let t = &board.trends;
        assert_eq!(t.answer_999.len(), TREND_POINTS);
        // A (answered 10:00:04) is seen by the points at 10:05, 10:10 and 10:15;
        // B (answered 11:00:10) by those at 11:05, 11:10 and 11:15.
        let mut expected = vec![None; TREND_POINTS];
        expected[0..3].fill(Some(4.0));
        expected[12..15].fill(Some(10.0));
        assert_eq!(t.answer_999, expected);
        assert!(t.answer_101.iter().all(Option::is_none));
        assert!(t.emergency.iter().all(Option::is_none));
        // The newest point is the board's own figure.
        assert_eq!(
            *t.answer_999.last().unwrap(),
            board.figures.calls.line_999.mean_answer_s
        );
    }

    #[test]
    fn past_trend_points_sit_on_the_five_minute_marks() {
        // At 12:07:30 the last mark is 12:05: the past points are 10:10, 10:15 … 12:00.
        let config = Config::default();
        let engine = engine(&config, LINES);
        let now = at("2024-07-01T12:07:30Z");
        let board = Board::build(
            &engine,
            &config,
            &View::default(),
            now,
            Mode::Live,
            FeedStatus::default(),
        );
        // A (answered 10:00:04) is in the 15-minute windows ending 10:10 and 10:15 (10:05
        // is no longer a point); B (11:00:10) in those ending 11:05, 11:10 and 11:15.
        let mut expected = vec![None; TREND_POINTS];
        expected[0..2].fill(Some(4.0));
        expected[11..14].fill(Some(10.0));
        // The current point covers (11:52:30, 12:07:30]: no 999 answered.
        assert_eq!(board.trends.answer_999, expected);

        // With a 7-minute window, A is in the windows ending from 10:00:04 to just before
        // 10:07:04: no point; B in those ending from 11:00:10 to just before 11:07:10: the
        // point at 11:05.
        let config = Config {
            windows: vec![Window::new(Span::from_mins(7))],
            ..Config::default()
        };
        let board = Board::build(
            &engine,
            &config,
            &View::default(),
            now,
            Mode::Live,
            FeedStatus::default(),
        );
        let mut expected = vec![None; TREND_POINTS];
        expected[11] = Some(10.0);
        assert_eq!(board.trends.answer_999, expected);
    }

    #[test]
    fn trend_of_an_area_follows_the_area() {
        let view = View {
            area: Some("BIR".into()),
            ..View::default()
        };
        let board = build(&view);
        let seen: Vec<usize> = (0..TREND_POINTS)
            .filter(|&i| board.trends.answer_999[i].is_some())
            .collect();
        assert_eq!(seen, [0, 1, 2]);
    }

    #[test]
    fn mode_and_feed_are_passed_through() {
        let config = Config::default();
        let engine = engine(&config, LINES);
        let feed = FeedStatus {
            state: FeedState::Stale { silent_s: 47 },
            rejected: 3,
            ..FeedStatus::default()
        };
        let mode = Mode::Replay {
            speed: 60.0,
            paused: true,
        };
        let board = Board::build(
            &engine,
            &config,
            &View::default(),
            Timestamp::UNIX_EPOCH,
            mode,
            feed.clone(),
        );
        assert_eq!(board.mode, mode);
        assert_eq!(board.feed, feed);
        assert_eq!(board.tz, chrono_tz::Europe::London);
        assert_eq!(board.force_name, "West Midlands Police");
    }
}
