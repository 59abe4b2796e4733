//! [`Timestamp`]: an instant as nanoseconds since the Unix epoch, UTC. Its arithmetic
//! with [`Span`] saturates at the ends of the range instead of wrapping.

use std::ops::{Add, AddAssign, Sub, SubAssign};

use super::Span;

/// An instant: nanoseconds since 1970-01-01T00:00:00Z (the years 1678–2262 fit).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Timestamp(i64);

impl Timestamp {
    /// The earliest instant (1677-09-21T00:12:43.145224192Z).
    pub const MIN: Timestamp = Timestamp(i64::MIN);
    /// The latest instant (2262-04-11T23:47:16.854775807Z).
    pub const MAX: Timestamp = Timestamp(i64::MAX);
    /// 1970-01-01T00:00:00Z.
    pub const UNIX_EPOCH: Timestamp = Timestamp(0);

    pub const fn from_nanos(nanos: i64) -> Timestamp {
        Timestamp(nanos)
    }

    pub const fn nanos(self) -> i64 {
        self.0
    }
}

/// The span from `earlier` to `self`; negative when `self` is before it.
impl Sub for Timestamp {
    type Output = Span;

    fn sub(self, earlier: Timestamp) -> Span {
        Span::from_nanos(self.0.saturating_sub(earlier.0))
    }
}

impl Add<Span> for Timestamp {
    type Output = Timestamp;

    fn add(self, span: Span) -> Timestamp {
        Timestamp(self.0.saturating_add(span.nanos()))
    }
}

impl Sub<Span> for Timestamp {
    type Output = Timestamp;

    fn sub(self, span: Span) -> Timestamp {
        Timestamp(self.0.saturating_sub(span.nanos()))
    }
}

impl AddAssign<Span> for Timestamp {
    fn add_assign(&mut self, span: Span) {
        *self = *self + span;
    }
}

impl SubAssign<Span> for Timestamp {
    fn sub_assign(&mut self, span: Span) {
        *self = *self - span;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2024-07-01T11:00:00Z.
    const T0: Timestamp = Timestamp::from_nanos(1_719_831_600_000_000_000);

    #[test]
    fn the_difference_of_two_instants_is_a_span() {
        let later = Timestamp::from_nanos(1_719_831_604_500_000_000);
        assert_eq!(later - T0, Span::from_millis(4500));
        assert_eq!(T0 - later, Span::from_millis(-4500));
        assert_eq!(T0 - T0, Span::ZERO);
    }

    #[test]
    fn the_difference_saturates_at_the_extremes() {
        assert_eq!(Timestamp::MAX - Timestamp::MIN, Span::MAX);
        assert_eq!(Timestamp::MIN - Timestamp::MAX, Span::MIN);
        assert_eq!(Timestamp::MAX - Timestamp::from_nanos(-1), Span::MAX);
        assert_eq!(Timestamp::MIN - Timestamp::from_nanos(1), Span::MIN);
        assert_eq!(Timestamp::MAX - Timestamp::from_nanos(0), Span::MAX);
        assert_eq!(Timestamp::MIN - Timestamp::from_nanos(0), Span::MIN);
        // 1700-01-01T00:00:00Z is -8_520_336_000 s, inside the range.
        let year_1700 = Timestamp::from_nanos(-8_520_336_000_000_000_000);
        // 10_240_167_600 s apart: more than i64 nanoseconds hold (9_223_372_036 s).
        assert_eq!(T0 - year_1700, Span::MAX);
        assert_eq!(year_1700 - T0, Span::MIN);
        assert_eq!(
            year_1700 - Timestamp::from_nanos(0),
            Span::from_secs(-8_520_336_000)
        );
    }

    #[test]
    fn adding_and_subtracting_a_span_moves_the_instant() {
        assert_eq!(
            T0 + Span::from_secs(5),
            Timestamp::from_nanos(1_719_831_605_000_000_000)
        );
        assert_eq!(
            T0 - Span::HOUR,
            Timestamp::from_nanos(1_719_828_000_000_000_000)
        );
        assert_eq!(
            T0 + Span::from_secs(-5),
            Timestamp::from_nanos(1_719_831_595_000_000_000)
        );
        let mut at = T0;
        at += Span::MINUTE;
        assert_eq!(at, Timestamp::from_nanos(1_719_831_660_000_000_000));
        at -= Span::from_secs(90);
        assert_eq!(at, Timestamp::from_nanos(1_719_831_570_000_000_000));
    }

    #[test]
    fn moving_an_instant_saturates_at_the_extremes() {
        assert_eq!(Timestamp::MAX + Span::from_nanos(1), Timestamp::MAX);
        assert_eq!(Timestamp::MAX + Span::MAX, Timestamp::MAX);
        assert_eq!(Timestamp::MIN - Span::from_nanos(1), Timestamp::MIN);
        assert_eq!(Timestamp::MIN - Span::MAX, Timestamp::MIN);
        assert_eq!(Timestamp::MIN + Span::MIN, Timestamp::MIN);
        assert_eq!(Timestamp::MAX - Span::MIN, Timestamp::MAX);
        assert_eq!(Timestamp::MIN + Span::MAX, Timestamp::from_nanos(-1));
        assert_eq!(Timestamp::MAX - Span::MAX, Timestamp::from_nanos(0));
        let mut at = Timestamp::MAX;
        at += Span::DAY;
        assert_eq!(at, Timestamp::MAX);
        at = Timestamp::MIN;
        at -= Span::DAY;
        assert_eq!(at, Timestamp::MIN);
    }

    #[test]
    fn instants_order_by_time() {
        assert!(Timestamp::MIN < T0 && T0 < Timestamp::MAX);
        assert_eq!(Timestamp::default(), Timestamp::UNIX_EPOCH);
        assert_eq!(Timestamp::UNIX_EPOCH.nanos(), 0);
        assert_eq!(T0.nanos(), 1_719_831_600_000_000_000);
    }
}
