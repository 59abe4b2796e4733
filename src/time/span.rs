//! [`Span`]: a length of time in nanoseconds, with arithmetic that saturates instead of
//! wrapping, so a hostile time stamp (a line dated 1700) gives an absurd figure, never a
//! wrapped one.

use std::ops::{Add, AddAssign, Div, Mul, MulAssign, Neg, Sub, SubAssign};
use std::time::Duration;

const NANOS_IN_SECOND: i64 = 1_000_000_000;

/// A length of time in nanoseconds; negative when the end is before the start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span(i64);

impl Span {
    pub const ZERO: Span = Span(0);
    pub const MILLISECOND: Span = Span(1_000_000);
    pub const SECOND: Span = Span(NANOS_IN_SECOND);
    pub const MINUTE: Span = Span(60 * NANOS_IN_SECOND);
    pub const HOUR: Span = Span(3600 * NANOS_IN_SECOND);
    pub(crate) const DAY: Span = Span(86_400 * NANOS_IN_SECOND);
    /// The longest span (about 292 years); where saturated sums stop.
    pub const MAX: Span = Span(i64::MAX);
    /// The most negative span; where saturated differences stop.
    pub const MIN: Span = Span(i64::MIN);

    pub const fn from_nanos(nanos: i64) -> Span {
        Span(nanos)
    }

    pub const fn nanos(self) -> i64 {
        self.0
    }

    /// Nanoseconds computed in floating point (a clock's speed applied), the fraction
    /// dropped (towards zero), saturating at [`Span::MIN`] and [`Span::MAX`]; NaN is zero.
    pub(crate) const fn from_nanos_f64(nanos: f64) -> Span {
        // `as` from f64 to an integer is exactly that: it truncates and saturates.
        #[allow(clippy::cast_possible_truncation)]
        let nanos = nanos as i64;
        Span(nanos)
    }

    /// Milliseconds, saturating at [`Span::MIN`] and [`Span::MAX`].
    pub const fn from_millis(millis: i64) -> Span {
        Span(millis.saturating_mul(1_000_000))
    }

    /// Seconds, saturating at [`Span::MIN`] and [`Span::MAX`].
    pub const fn from_secs(secs: i64) -> Span {
        Span(secs.saturating_mul(NANOS_IN_SECOND))
    }

    /// Minutes, saturating at [`Span::MIN`] and [`Span::MAX`].
    pub const fn from_mins(mins: i64) -> Span {
        Span(mins.saturating_mul(Span::MINUTE.0))
    }

    /// Hours, saturating at [`Span::MIN`] and [`Span::MAX`].
    pub const fn from_hours(hours: i64) -> Span {
        Span(hours.saturating_mul(Span::HOUR.0))
    }

    /// Days of 24 hours, saturating at [`Span::MIN`] and [`Span::MAX`].
    pub const fn from_days(days: i64) -> Span {
        Span(days.saturating_mul(Span::DAY.0))
    }

    /// Seconds, with the fraction (what the figures show).
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / NANOS_IN_SECOND as f64
    }

    /// Whole seconds, the fraction dropped (towards zero: −1.5 s is −1).
    pub const fn whole_secs(self) -> i64 {
        self.0 / NANOS_IN_SECOND
    }

    /// Whole seconds of a length that is never negative (an age, a silence); a negative
    /// span counts as zero.
    pub(crate) const fn whole_secs_unsigned(self) -> u64 {
        if self.0 < 0 {
            0
        } else {
            self.whole_secs().unsigned_abs()
        }
    }

    /// The length without its sign; `MIN`'s saturates to `MAX`.
    #[must_use]
    pub const fn abs(self) -> Span {
        Span(self.0.saturating_abs())
    }

    pub(crate) const fn is_negative(self) -> bool {
        self.0 < 0
    }

    pub(crate) const fn is_positive(self) -> bool {
        self.0 > 0
    }

    /// A standard duration (for timers and sleeps): a negative span is zero.
    pub fn to_duration(self) -> Duration {
        Duration::from_nanos(u64::try_from(self.0).unwrap_or(0))
    }

    /// From a standard duration, saturating at [`Span::MAX`] (about 292 years).
    pub fn from_duration(duration: Duration) -> Span {
        Span(i64::try_from(duration.as_nanos()).unwrap_or(i64::MAX))
    }
}

impl From<Duration> for Span {
    fn from(duration: Duration) -> Span {
        Span::from_duration(duration)
    }
}

impl From<Span> for Duration {
    fn from(span: Span) -> Duration {
        span.to_duration()
    }
}

impl Add for Span {
    type Output = Span;

    fn add(self, other: Span) -> Span {
        Span(self.0.saturating_add(other.0))
    }
}

impl Sub for Span {
    type Output = Span;

    fn sub(self, other: Span) -> Span {
        Span(self.0.saturating_sub(other.0))
    }
}

impl AddAssign for Span {
    fn add_assign(&mut self, other: Span) {
        *self = *self + other;
    }
}

impl SubAssign for Span {
    fn sub_assign(&mut self, other: Span) {
        *self = *self - other;
    }
}

impl Mul<i64> for Span {
    type Output = Span;

    fn mul(self, factor: i64) -> Span {
        Span(self.0.saturating_mul(factor))
    }
}

impl MulAssign<i64> for Span {
    fn mul_assign(&mut self, factor: i64) {
        *self = *self * factor;
    }
}

/// Divides towards zero. Panics on a zero divisor, like `i64`: every call site divides by
/// a constant or a count it has checked to be positive.
impl Div<i64> for Span {
    type Output = Span;

    fn div(self, divisor: i64) -> Span {
        // Only `MIN / -1` overflows; saturating_div makes it MAX.
        Span(self.0.saturating_div(divisor))
    }
}

impl Neg for Span {
    type Output = Span;

    fn neg(self) -> Span {
        // `-MIN` does not fit; it saturates to MAX.
        Span(self.0.saturating_neg())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_are_the_right_number_of_nanoseconds() {
        assert_eq!(Span::MILLISECOND.nanos(), 1_000_000);
        assert_eq!(Span::SECOND.nanos(), 1_000_000_000);
        assert_eq!(Span::MINUTE.nanos(), 60_000_000_000);
        assert_eq!(Span::HOUR.nanos(), 3_600_000_000_000);
        assert_eq!(Span::DAY.nanos(), 86_400_000_000_000);
        assert_eq!(Span::from_millis(1500).nanos(), 1_500_000_000);
        assert_eq!(Span::from_secs(-5).nanos(), -5_000_000_000);
        assert_eq!(Span::from_mins(15).nanos(), 900_000_000_000);
        assert_eq!(Span::from_hours(24).nanos(), 86_400_000_000_000);
        assert_eq!(Span::from_days(7).nanos(), 604_800_000_000_000);
        assert_eq!(Span::default(), Span::ZERO);
    }

    #[test]
    fn constructors_saturate_instead_of_wrapping() {
        // i64::MAX nanoseconds is 9_223_372_036.854775807 s.
        assert_eq!(Span::from_secs(9_223_372_037), Span::MAX);
        assert_eq!(
            Span::from_secs(9_223_372_036).nanos(),
            9_223_372_036_000_000_000
        );
        assert_eq!(Span::from_secs(i64::MIN), Span::MIN);
        assert_eq!(Span::from_millis(i64::MAX), Span::MAX);
        assert_eq!(Span::from_mins(i64::MAX), Span::MAX);
        assert_eq!(Span::from_hours(-3_000_000), Span::MIN);
        assert_eq!(Span::from_days(106_752), Span::MAX);
        assert_eq!(Span::from_days(106_751).nanos(), 9_223_286_400_000_000_000);
    }

    #[test]
    fn seconds_as_fractions_and_whole() {
        assert_eq!(Span::from_millis(1500).as_secs_f64(), 1.5);
        assert_eq!(Span::from_millis(-250).as_secs_f64(), -0.25);
        assert_eq!(Span::from_millis(1999).whole_secs(), 1);
        assert_eq!(Span::from_millis(-1500).whole_secs(), -1);
        assert_eq!(Span::MAX.whole_secs(), 9_223_372_036);
        assert_eq!(Span::MIN.whole_secs(), -9_223_372_036);
    }

    #[test]
    fn addition_and_subtraction_saturate() {
        assert_eq!(Span::from_secs(3) + Span::from_secs(4), Span::from_secs(7));
        assert_eq!(Span::from_secs(3) - Span::from_secs(4), Span::from_secs(-1));
        assert_eq!(Span::MAX + Span::from_nanos(1), Span::MAX);
        assert_eq!(Span::MAX + Span::MAX, Span::MAX);
        assert_eq!(Span::MIN + Span::MIN, Span::MIN);
        assert_eq!(Span::MIN - Span::from_nanos(1), Span::MIN);
        assert_eq!(Span::MIN - Span::MAX, Span::MIN);
        assert_eq!(Span::MAX - Span::MIN, Span::MAX);
        assert_eq!(Span::MAX + Span::MIN, Span::from_nanos(-1));
        let mut total = Span::MAX;
        total += Span::SECOND;
        assert_eq!(total, Span::MAX);
        total -= Span::MAX;
        assert_eq!(total, Span::ZERO);
        total -= Span::SECOND;
        assert_eq!(total, Span::from_secs(-1));
    }

    #[test]
    fn multiplication_saturates() {
        assert_eq!(Span::MINUTE * 5, Span::from_mins(5));
        assert_eq!(Span::SECOND * -3, Span::from_secs(-3));
        assert_eq!(Span::MAX * 2, Span::MAX);
        assert_eq!(Span::MAX * -2, Span::MIN);
        assert_eq!(Span::MIN * 2, Span::MIN);
        assert_eq!(Span::MIN * -1, Span::MAX);
        let zero = 0;
        assert_eq!(Span::MAX * zero, Span::ZERO);
        let mut doubling = Span::from_hours(6);
        doubling *= 2;
        assert_eq!(doubling, Span::from_hours(12));
        doubling *= i64::MAX;
        assert_eq!(doubling, Span::MAX);
    }

    #[test]
    fn division_truncates_towards_zero_and_saturates() {
        assert_eq!(Span::HOUR / 4, Span::from_mins(15));
        assert_eq!(Span::from_nanos(7) / 2, Span::from_nanos(3));
        assert_eq!(Span::from_nanos(-7) / 2, Span::from_nanos(-3));
        assert_eq!(Span::MAX / -1, Span::from_nanos(-i64::MAX));
        assert_eq!(Span::MIN / -1, Span::MAX);
        assert_eq!(Span::MIN / 2, Span::from_nanos(-4_611_686_018_427_387_904));
    }

    #[test]
    fn negation_saturates() {
        assert_eq!(-Span::SECOND, Span::from_secs(-1));
        assert_eq!(-Span::ZERO, Span::ZERO);
        assert_eq!(-Span::MAX, Span::from_nanos(-i64::MAX));
        assert_eq!(-Span::MIN, Span::MAX);
    }

    #[test]
    fn abs_drops_the_sign_and_saturates() {
        assert_eq!(Span::from_secs(-3).abs(), Span::from_secs(3));
        assert_eq!(Span::from_secs(3).abs(), Span::from_secs(3));
        assert_eq!(Span::MIN.abs(), Span::MAX);
        assert_eq!(Span::MAX.abs(), Span::MAX);
    }

    #[test]
    fn durations_convert_saturating_and_negative_is_zero() {
        assert_eq!(
            Span::from_millis(1500).to_duration(),
            Duration::from_millis(1500)
        );
        assert_eq!(Duration::from(Span::from_secs(-1)), Duration::ZERO);
        assert_eq!(Span::MIN.to_duration(), Duration::ZERO);
        assert_eq!(
            Span::MAX.to_duration(),
            Duration::from_nanos(i64::MAX as u64)
        );
        assert_eq!(
            Span::from(Duration::from_millis(250)),
            Span::from_millis(250)
        );
        assert_eq!(Span::from(Duration::MAX), Span::MAX);
        assert_eq!(
            Span::from_duration(Duration::from_secs(9_223_372_037)),
            Span::MAX
        );
    }
}
