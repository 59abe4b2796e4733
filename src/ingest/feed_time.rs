//! The feed's time while a file is read: the time the reorder horizon is measured from,
//! which one stray line cannot move.
//!
//! A source with a wrong clock writes a few lines dated far from their neighbours. If the
//! feed's time jumped to such a line, every later line would be "behind" and applied where
//! it stands, and the file's order would be lost. So a line dated more than the horizon
//! ahead of the feed's time is *held*, not believed:
//! - when the feed's time later comes within the horizon of it, it is let go into its place
//!   ([`Placement::Ahead`]);
//! - when [`JUMP_CONFIRMATION`] lines in a row are all that far ahead, and within the
//!   horizon of one another, the feed really has moved on (a quiet spell, or the file's
//!   first lines): its time becomes their median, and they are let go
//!   ([`Placement::InOrder`]);
//! - what is still held at the end of the file is its tail. The latest clusters of it (held
//!   lines less than a horizon apart) are strays past the end ([`Placement::BeyondEnd`]):
//!   applied last, as in the sorted file, but not taken as the feed's end — as long as
//!   together they are at most 1 % of the file's lines, and the silence before each is
//!   long enough for the rest of the file to have written [`SILENCE_LINES`] lines at its
//!   average rate. (A quiet feed's last event an hour after the rest is its end; a busy
//!   feed's line dated an hour or a century past it is a wrong clock.)
//!
//! A line more than the horizon *behind* the feed's time is let go at once
//! ([`Placement::Behind`]): its place has already been applied.
//!
//! Letting a held line go later than it was read never reorders anything: a line is only
//! held while it is dated after every line let go since.

use std::collections::{BTreeMap, HashSet};

use crate::time::{Span, Timestamp};

/// Lines in a row dated more than the horizon ahead that show the feed itself has moved on.
pub(crate) const JUMP_CONFIRMATION: usize = 8;

/// At most this many lines are held; past it the nearest is let go, so memory stays bounded
/// whatever the file holds.
pub(crate) const MAX_HELD: usize = 100_000;

/// The largest share of a file's lines that can be strays past its end: 1 in 100.
const STRAY_SHARE_DIVISOR: u64 = 100;

/// A silence before lines past the end in which the rest of the file would have written
/// this many lines shows a wrong clock rather than a quiet spell.
pub(crate) const SILENCE_LINES: i128 = 100;

/// Where a line was put relative to the feed's time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Placement {
    /// Within the horizon of the feed's time: put in its place.
    InOrder,
    /// More than the horizon behind the feed's time: applied where it stands.
    Behind,
    /// More than the horizon ahead when read: held until the feed's time caught up.
    Ahead,
    /// Dated past the rest of the file: applied last and not taken as the feed's end.
    BeyondEnd,
}

impl Placement {
    /// A stray: a line more than the horizon from its place, listed by `check`.
    pub(crate) fn is_stray(self) -> bool {
        self != Placement::InOrder
    }
}

struct Held<T> {
    item: T,
    /// The run of far-ahead lines it belongs to.
    run: u64,
}

/// Keeps the feed's time and holds lines dated too far ahead of it. `T` is what the caller
/// keeps per line; lines come back through `admit` with their time and [`Placement`].
pub(crate) struct FeedTime<T> {
    horizon: Span,
    now: Option<Timestamp>,
    /// The earliest time among lines put in order: where the feed's believed span starts.
    earliest: Option<Timestamp>,
    /// Times of the current run of consecutive far-ahead lines.
    run: Vec<Timestamp>,
    run_id: u64,
    /// Runs that moved the feed on and still have lines held: those are in order when let go.
    confirmed_runs: HashSet<u64>,
    /// By time, ties in reading order.
    held: BTreeMap<(Timestamp, u64), Held<T>>,
    read: u64,
}

impl<T> FeedTime<T> {
    pub(crate) fn new(horizon: Span) -> Self {
        FeedTime {
            horizon,
            now: None,
            earliest: None,
            run: Vec::with_capacity(JUMP_CONFIRMATION),
            run_id: 0,
            confirmed_runs: HashSet::new(),
            held: BTreeMap::new(),
            read: 0,
        }
    }

    /// The feed's time: the latest time among the lines believed so far.
    pub(crate) fn now(&self) -> Option<Timestamp> {
        self.now
    }

    /// How many lines are held.
    #[cfg(test)]
    pub(crate) fn held(&self) -> usize {
        self.held.len()
    }

    /// Takes the next line of the file. `admit` hears of every line let go, this one or held
    /// ones, in an order that keeps ties in reading order.
    pub(crate) fn push(
        &mut self,
        at: Timestamp,
        item: T,
        admit: &mut impl FnMut(Timestamp, T, Placement),
    ) {
        match self.now {
            Some(now) if at <= now + self.horizon => {
                let placement = self.place_near(at, now);
                if self.now != Some(now) {
                    // Held lines it brings within reach are older in the file than this one.
                    self.release_caught_up(admit);
                }
                admit(at, item, placement);
            }
            _ => {
                self.read = self.read.wrapping_add(1);
                // A run is lines close to one another: far-ahead lines scattered over the
                // years are strays, not a feed that moved on.
                // (The file's first lines only establish its time: any eight will do.)
                let scattered = self.now.is_some()
                    && self
                        .run
                        .first()
                        .is_some_and(|&first| (at - first).abs() > self.horizon);
                if scattered {
                    self.end_run();
                }
                let run = self.run_id;
                self.held.insert((at, self.read), Held { item, run });
                self.run.push(at);
                if self.run.len() >= JUMP_CONFIRMATION {
                    self.confirm_jump(admit);
                } else if self.held.len() > MAX_HELD
                    && let Some(((at, _), held)) = self.held.pop_first()
                {
                    admit(at, held.item, Placement::Ahead);
                }
            }
        }
    }

    /// [`push`](Self::push) for a line within the horizon of the feed's time while nothing
    /// is held, nearly every line of a feed: its placement ([`Placement::InOrder`] or
    /// [`Placement::Behind`]) comes back at once, and the caller keeps the line, so it is
    /// not handed through `push` and `admit` (moving it there and back cost 2–4 % of
    /// `report`'s time, performance §46). `None`: anything else, for `push`.
    pub(crate) fn place_at_once(&mut self, at: Timestamp) -> Option<Placement> {
        let now = self.now?;
        if !self.held.is_empty() || at > now + self.horizon {
            return None;
        }
        // With nothing held, nothing is let go with it.
        Some(self.place_near(at, now))
    }

    /// Places a line dated no more than the horizon after the feed's time `now`: behind, or
    /// in order, the feed's time moving on to it if later. Whoever calls this lets go any
    /// held line the new time brings within reach.
    fn place_near(&mut self, at: Timestamp, now: Timestamp) -> Placement {
        self.read = self.read.wrapping_add(1);
        self.end_run();
        if at < now - self.horizon {
            return Placement::Behind;
        }
        if at > now {
            self.now = Some(at);
        }
        self.note_in_order(at);
        Placement::InOrder
    }

    /// Lets every held line go at the end of the file of `lines` lines: the latest clusters,
    /// up to 1 % of the lines, as [`Placement::BeyondEnd`], the rest in order.
    pub(crate) fn finish(mut self, lines: u64, admit: &mut impl FnMut(Timestamp, T, Placement)) {
        let held: Vec<(Timestamp, T)> = std::mem::take(&mut self.held)
            .into_iter()
            .map(|((at, _), held)| (at, held.item))
            .collect();
        let beyond_end_from = self.strays_from(&held, lines);
        for (index, (at, item)) in held.into_iter().enumerate() {
            let placement = if index >= beyond_end_from {
                Placement::BeyondEnd
            } else {
                Placement::InOrder
            };
            admit(at, item, placement);
        }
    }

    /// Where the strays past the end start in `held` (sorted), in a file of `lines` lines.
    fn strays_from(&self, held: &[(Timestamp, T)], lines: u64) -> usize {
        let (Some(now), Some(earliest)) = (self.now, self.earliest) else {
            return held.len();
        };
        let allowed = lines / STRAY_SHARE_DIVISOR;
        let rest = i128::from(lines.saturating_sub(held.len() as u64).max(1));
        let rest_span = i128::from((now - earliest).nanos().max(0));
        // The silence before lines past the end, against the rest's average rate.
        let long_silence = |gap: Span| i128::from(gap.nanos()) * rest >= SILENCE_LINES * rest_span;
        let mut from = held.len();
        for start in (0..held.len()).rev() {
            let before = if start == 0 { now } else { held[start - 1].0 };
            let gap = held[start].0 - before;
            if start > 0 && gap <= self.horizon {
                continue; // inside a cluster
            }
            if (held.len() - start) as u64 > allowed || !long_silence(gap) {
                break;
            }
            from = start;
        }
        from
    }

    fn end_run(&mut self) {
        if !self.run.is_empty() {
            self.run.clear();
            self.run_id = self.run_id.wrapping_add(1);
        }
    }

    /// The run shows the feed has moved on: its median becomes the feed's time, which then
    /// follows the run's lines as they are let go.
    fn confirm_jump(&mut self, admit: &mut impl FnMut(Timestamp, T, Placement)) {
        self.run.sort_unstable();
        let median = self.run[self.run.len() / 2];
        let below = self.isolated_below(&self.run);
        let mut now = self.now.map_or(median, |now| now.max(median));
        let run = self.run_id;
        while let Some(entry) = self.held.first_entry() {
            let at = entry.key().0;
            if at > now + self.horizon {
                break;
            }
            let held = entry.remove();
            let placement = if held.run != run && !self.confirmed_runs.contains(&held.run) {
                Placement::Ahead
            } else if below.is_some_and(|below| at <= below) {
                Placement::Behind
            } else {
                self.note_in_order(at);
                now = now.max(at);
                Placement::InOrder
            };
            admit(at, held.item, placement);
        }
        self.now = Some(now);
        // Members dated past the horizon stay held; they are in order when let go.
        if self
            .run
            .last()
            .is_some_and(|&latest| latest > now + self.horizon)
        {
            self.confirmed_runs.insert(run);
        }
        self.end_run();
    }

    /// The latest time among the lowest times of a sorted run that stand apart from the
    /// rest: each more than the horizon, and more than the rest spans, below the next. At
    /// most the lower half can stand apart.
    fn isolated_below(&self, run: &[Timestamp]) -> Option<Timestamp> {
        let top = *run.last()?;
        let mut below = None;
        for pair in run[..=run.len() / 2].windows(2) {
            let gap = pair[1] - pair[0];
            if gap > self.horizon && gap > top - pair[1] {
                below = Some(pair[0]);
            }
        }
        below
    }

    fn note_in_order(&mut self, at: Timestamp) {
        if self.earliest.is_none_or(|earliest| at < earliest) {
            self.earliest = Some(at);
        }
    }

    fn release_caught_up(&mut self, admit: &mut impl FnMut(Timestamp, T, Placement)) {
        let Some(now) = self.now else {
            return;
        };
        while let Some(entry) = self.held.first_entry() {
            let at = entry.key().0;
            if at > now + self.horizon {
                break;
            }
            let held = entry.remove();
            let placement = if self.confirmed_runs.contains(&held.run) {
                self.note_in_order(at);
                Placement::InOrder
            } else {
                Placement::Ahead
            };
            admit(at, held.item, placement);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HORIZON: Span = Span::from_mins(10);

    /// `mins` minutes after a fixed start.
    fn m(mins: i64) -> Timestamp {
        Timestamp::UNIX_EPOCH + Span::from_days(20_000) + Span::from_mins(mins)
    }

    /// Pushes lines (by minute) and returns what was let go, as (line, placement), in order.
    fn run(minutes: &[i64]) -> Vec<(usize, Placement)> {
        let mut gate = FeedTime::new(HORIZON);
        let mut out = Vec::new();
        for (line, &minute) in minutes.iter().enumerate() {
            gate.push(m(minute), line + 1, &mut |_, line, placement| {
                out.push((line, placement));
            });
        }
        gate.finish(minutes.len() as u64, &mut |_, line, placement| {
            out.push((line, placement));
        });
        out
    }

    /// As [`run`], with each line placed at once where [`FeedTime::place_at_once`] can.
    fn run_placing_at_once(minutes: &[i64]) -> Vec<(usize, Placement)> {
        let mut gate = FeedTime::new(HORIZON);
        let mut out = Vec::new();
        for (line, &minute) in minutes.iter().enumerate() {
            match gate.place_at_once(m(minute)) {
                Some(placement) => out.push((line + 1, placement)),
                None => gate.push(m(minute), line + 1, &mut |_, line, placement| {
                    out.push((line, placement));
                }),
            }
        }
        gate.finish(minutes.len() as u64, &mut |_, line, placement| {
            out.push((line, placement));
        });
        out
    }

    proptest::proptest! {
        /// Feeds in order, shuffled a little, with lines far ahead and far behind, runs
        /// that move the feed on and strays past the end: placing lines at once lets the
        /// same lines go, in the same order, with the same placements.
        #[test]
        fn placing_at_once_agrees_with_push(
            steps in proptest::collection::vec(
                proptest::prop_oneof![
                    8 => 0_i64..3,
                    2 => -12_i64..0,
                    1 => 11_i64..200,
                    1 => -200_i64..-11,
                ],
                0..120,
            )
        ) {
            let minutes: Vec<i64> = steps
                .iter()
                .scan(0_i64, |minute, step| {
                    *minute += step;
                    Some(*minute)
                })
                .collect();
            proptest::prop_assert_eq!(run_placing_at_once(&minutes), run(&minutes));
        }
    }

    use Placement::*;

    #[test]
    fn the_first_lines_wait_for_a_run_then_go_in_order() {
        let out = run(&[0, 1, 2, 3, 4, 5, 6, 7, 8]);
        assert_eq!(
            out,
            [1, 2, 3, 4, 5, 6, 7, 8, 9]
                .map(|line| (line, InOrder))
                .to_vec()
        );
    }

    #[test]
    fn a_line_far_ahead_is_held_until_the_feed_catches_up() {
        // Line 10 is 30 minutes ahead; lines 11.. come back to minute 8 and climb to 25.
        let mut minutes: Vec<i64> = (0..9).collect();
        minutes.push(38);
        minutes.extend([9, 12, 20, 25, 28]);
        let out = run(&minutes);
        // Let go when the feed's time reached 28 (38 is within 10 minutes of it), before 28.
        let position = out.iter().position(|&(line, _)| line == 10);
        assert_eq!(position, Some(13));
        assert_eq!(out[13], (10, Ahead));
        assert_eq!(out[14], (15, InOrder));
    }

    #[test]
    fn a_line_far_behind_goes_at_once_as_behind() {
        let out = run(&[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 30, -500, 31]);
        assert!(out.contains(&(12, Behind)));
        assert_eq!(out.last(), Some(&(13, InOrder)));
    }

    #[test]
    fn eight_lines_in_a_row_far_ahead_move_the_feed_on() {
        let mut minutes: Vec<i64> = (0..9).collect();
        minutes.extend(100..108);
        minutes.push(108);
        let out = run(&minutes);
        assert!(out.iter().all(|&(_, placement)| placement == InOrder));
        assert_eq!(out.len(), 18);
    }

    #[test]
    fn a_stray_at_the_end_of_a_long_file_is_beyond_the_end() {
        // 200 lines, one a century ahead: at most 2 strays may be past the end.
        let mut minutes: Vec<i64> = (0..199).collect();
        minutes.insert(150, 50_000_000);
        let out = run(&minutes);
        assert_eq!(out.last(), Some(&(151, BeyondEnd)));
        assert_eq!(out.iter().filter(|(_, p)| p.is_stray()).count(), 1);
    }

    #[test]
    fn a_short_file_has_no_strays_past_its_end() {
        // Like the worked example: the last two lines 29 minutes after the rest.
        let mut minutes: Vec<i64> = (0..9).collect();
        minutes.extend([38, 39]);
        let out = run(&minutes);
        assert_eq!(&out[9..], &[(10, InOrder), (11, InOrder)]);
    }

    #[test]
    fn only_the_latest_clusters_within_one_percent_are_strays() {
        // 300 lines: 3 may be strays. A cluster of 2 far ahead and, past it, one more.
        let mut minutes: Vec<i64> = (0..297).collect();
        minutes.insert(100, 1_000);
        minutes.insert(200, 1_001);
        minutes.insert(250, 9_000);
        let out = run(&minutes);
        let strays: Vec<usize> = out
            .iter()
            .filter(|(_, p)| *p == BeyondEnd)
            .map(|(line, _)| *line)
            .collect();
        assert_eq!(strays, [101, 201, 251]);
        // Four held lines would be too many: then only the last cluster goes.
        let mut minutes: Vec<i64> = (0..296).collect();
        minutes.insert(100, 1_000);
        minutes.insert(150, 1_000);
        minutes.insert(200, 1_001);
        minutes.insert(250, 9_000);
        let out = run(&minutes);
        let strays = out.iter().filter(|(_, p)| *p == BeyondEnd).count();
        assert_eq!(strays, 1);
    }

    #[test]
    fn a_quiet_feeds_last_event_an_hour_later_is_its_end() {
        // 150 lines four minutes apart (about 15 an hour), then one 58 minutes later: a
        // silence in which the feed would have written 15 lines, not 100.
        let mut minutes: Vec<i64> = (0..150).map(|line| line * 4).collect();
        minutes.push(149 * 4 + 58);
        let out = run(&minutes);
        assert_eq!(out.last(), Some(&(151, InOrder)));
        // The same line dated seven hours later: a silence of about 105 lines.
        *minutes.last_mut().expect("lines") = 149 * 4 + 7 * 60;
        let out = run(&minutes);
        assert_eq!(out.last(), Some(&(151, BeyondEnd)));
    }

    #[test]
    fn far_ahead_lines_scattered_in_time_are_not_a_jump() {
        // Nine lines in a row, each a day after the last: strays, not the feed moving on.
        let mut minutes: Vec<i64> = (0..200).collect();
        for day in 1..=9 {
            minutes.insert(100 + usize::try_from(day).unwrap(), day * 1_440);
        }
        let out = run(&minutes);
        // Each is a cluster of its own; 1 % of 209 lines is 2: the two latest are past the end.
        let past_end: Vec<usize> = out
            .iter()
            .filter(|(_, p)| *p == BeyondEnd)
            .map(|(line, _)| *line)
            .collect();
        assert_eq!(past_end, [109, 110]);
        // In a file of 1,000 lines they are strays past the end, the rest in order.
        let mut minutes: Vec<i64> = (0..1_000).map(|m| m / 5).collect();
        for day in 1..=9 {
            minutes.insert(100 + usize::try_from(day).unwrap(), day * 1_440);
        }
        let out = run(&minutes);
        assert_eq!(out.iter().filter(|(_, p)| *p == BeyondEnd).count(), 9);
        assert_eq!(out.iter().filter(|(_, p)| p.is_stray()).count(), 9);
    }

    #[test]
    fn held_lines_are_bounded() {
        let mut gate = FeedTime::new(HORIZON);
        let mut let_go = 0_usize;
        for line in 0..10 {
            gate.push(m(line), line, &mut |_, _, _| let_go += 1);
        }
        // Far-ahead lines, each broken off its run by an ordinary line.
        for line in 0..(i64::try_from(MAX_HELD).unwrap() + 5) {
            gate.push(m(1_000_000 + line), 0, &mut |_, _, _| let_go += 1);
            gate.push(m(9), 0, &mut |_, _, _| let_go += 1);
        }
        assert_eq!(gate.held(), MAX_HELD);
    }
}
