//! The fast path against the parser it replaced (kept here, verbatim, as the definition):
//! the same answer, `None` included, on hand-picked hard cases, every date of the years
//! 0–9999, and generated times near and far from the layout.

use proptest::prelude::*;

use super::{days_in_month, days_since_epoch, parse_fixed_layout};
use crate::time::Span;

fn reference_two_digits(bytes: &[u8], at: usize) -> Option<i64> {
    let tens = bytes.get(at)?.wrapping_sub(b'0');
    let units = bytes.get(at + 1)?.wrapping_sub(b'0');
    (tens < 10 && units < 10).then_some(i64::from(tens) * 10 + i64::from(units))
}

fn reference_is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn reference_days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if reference_is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn reference_days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The byte-by-byte parser of the tree before performance §39.
fn reference_fixed_layout(b: &[u8]) -> Option<i64> {
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let year = reference_two_digits(b, 0)? * 100 + reference_two_digits(b, 2)?;
    let month = reference_two_digits(b, 5)?;
    let day = reference_two_digits(b, 8)?;
    let hour = reference_two_digits(b, 11)?;
    let minute = reference_two_digits(b, 14)?;
    let second = reference_two_digits(b, 17)?;
    if !(1..=12).contains(&month) || day < 1 || day > reference_days_in_month(year, month) {
        return None;
    }
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let mut pos = 19;
    let mut fraction: i64 = 0;
    if b[pos] == b'.' {
        pos += 1;
        let start = pos;
        while pos < b.len() && b[pos].is_ascii_digit() {
            pos += 1;
        }
        let digits = pos - start;
        if digits == 0 || digits > 9 {
            return None;
        }
        for &digit in &b[start..pos] {
            fraction = fraction * 10 + i64::from(digit - b'0');
        }
        for _ in digits..9 {
            fraction *= 10;
        }
    }
    let offset_seconds = match b.get(pos..)? {
        [b'Z'] => 0,
        [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
            let off_hour = reference_two_digits(b, pos + 1)?;
            let off_minute = reference_two_digits(b, pos + 4)?;
            if off_hour > 23 || off_minute > 59 {
                return None;
            }
            let magnitude = off_hour * 3600 + off_minute * 60;
            if *sign == b'+' { magnitude } else { -magnitude }
        }
        _ => return None,
    };
    let days = reference_days_from_civil(year, month, day);
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset_seconds;
    seconds
        .checked_mul(Span::SECOND.nanos())?
        .checked_add(fraction)
}

fn assert_agrees(text: &[u8]) {
    assert_eq!(
        parse_fixed_layout(text),
        reference_fixed_layout(text),
        "{}",
        String::from_utf8_lossy(text)
    );
}

#[test]
fn hand_picked_times_agree_with_the_earlier_parser() {
    let cases = [
        "2024-07-01T11:00:00Z",
        "2024-07-01T11:00:04.123Z",
        "2024-07-01T11:00:04.000Z",
        "2024-02-29T23:59:59.999999999-05:30",
        "2024-06-30T23:59:60Z", // a leap second: chrono's to judge
        "2024-07-01T11:00:00+23:59",
        "2024-07-01T11:00:00+24:00",
        "2024-07-01T11:00:00-00:00",
        "2024-07-01T11:00:00+0100",
        "2024-07-01T11:00:00+01:0a",
        "2024-07-01T11:00:00.Z",
        "2024-07-01T11:00:00.1234567891Z",
        "2024-07-01T11:00:00.000000000000000000001Z",
        "2024-07-01T11:00:00,5Z",
        "2024-07-01T11:00:00ZZ",
        "2024-07-01T11:00:00",
        "2024-07-01T11:00:0",
        "2024-07-01t11:00:00z",
        "2024-07-01 11:00:00Z",
        "2023-02-29T00:00:00Z",
        "2100-02-29T00:00:00Z",
        "2000-02-29T00:00:00Z",
        "2024-04-31T00:00:00Z",
        "2024-00-10T00:00:00Z",
        "2024-13-10T00:00:00Z",
        "2024-07-00T00:00:00Z",
        "2024-07-01T24:00:00Z",
        "2024-07-01T23:60:00Z",
        "0000-01-01T00:00:00Z",
        "0000-02-29T12:00:00+01:00",
        "0000-03-01T00:00:00Z",
        "1969-12-31T23:59:59.5Z",
        "1677-09-21T00:12:43.145224192Z",
        "1677-09-21T00:12:43.145224191Z",
        "2262-04-11T23:47:16.854775807Z",
        "2262-04-11T23:47:16.854775808Z",
        "2262-04-11T23:47:16.854775807-00:01",
        "9999-12-31T23:59:59Z",
        "+2024-07-01T11:00:00Z",
        "2024-7-01T11:00:00Z",
        "",
    ];
    for text in cases {
        assert_agrees(text.as_bytes());
    }
    assert_eq!(
        parse_fixed_layout(b"2024-07-01T11:00:04.123Z"),
        Some(1_719_831_604_123_000_000)
    );
}

/// Every byte value at every place of a feed's time: a digit where a separator belongs,
/// a separator or a byte past ASCII where a digit belongs, and so on.
#[test]
fn every_byte_at_every_place_agrees_with_the_earlier_parser() {
    for template in [
        "2024-07-01T11:00:04.123Z",
        "2024-02-29T11:00:04+01:30",
        "2000-01-01T00:00:00.123456789Z",
    ] {
        for place in 0..template.len() {
            for byte in 0..=u8::MAX {
                let mut text = template.as_bytes().to_vec();
                text[place] = byte;
                assert_agrees(&text);
                text.truncate(place + 1);
                assert_agrees(&text);
            }
        }
    }
}

#[test]
fn every_date_of_the_years_0_to_9999_counts_the_same_days() {
    for year in 0..=9999u32 {
        for month in 1..=12 {
            for day in 1..=days_in_month(year, month) {
                assert_eq!(
                    days_since_epoch(year, month, day),
                    reference_days_from_civil(year.into(), month.into(), day.into()),
                    "{year}-{month}-{day}"
                );
            }
        }
    }
}

/// The date and hour read last are remembered (the memo of `parse_fixed_layout`): a time
/// of the same date and hour but with a wrong rest, or of another hour, and the first
/// time again after them, are each read afresh.
#[test]
fn a_remembered_date_and_hour_never_changes_an_answer() {
    let sequence = [
        "2024-07-01T11:00:04.123Z",
        "2024-07-01T11:60:04Z",
        "2024-07-01T11:59:60Z",
        "2024-07-01T11:00:04.123Zx",
        "2024-07-01T11:00:04+01:00",
        "2024-07-01T12:00:04.123Z",
        "2024-07-01T11:00:04.123Z",
        "2024-07-01T11;00:04Z",
        "2024-02-30T11:00:04Z",
        "2024-02-29T11:00:04Z",
        "2023-02-29T11:00:04Z",
        "2024-07-01T24:00:00Z",
        "\0\0\0\0\0\0\0\0\0\0\0\0\0:00:00Z",
        "2024-07-01T11:00:04.123Z",
    ];
    for _ in 0..2 {
        for text in sequence {
            assert_agrees(text.as_bytes());
        }
    }
    assert_eq!(
        parse_fixed_layout(b"2024-07-01T11:59:59Z"),
        Some(1_719_835_199_000_000_000)
    );
}

proptest! {
    /// Runs of times that share a date and hour, or nearly: each agrees, read after the
    /// one before.
    #[test]
    fn runs_of_nearby_times_agree_with_the_earlier_parser(
        texts in proptest::collection::vec(
            "2024-0[27]-(0[1-2]|29|30)T1[01]:[0-6][0-9]:[0-6][0-9](\\.[0-9]{1,3})?(Z|\\+01:00|x)",
            1..30,
        )
    ) {
        for text in texts {
            assert_agrees(text.as_bytes());
        }
    }

    #[test]
    fn times_near_the_layout_agree_with_the_earlier_parser(
        text in "[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{0,12})?(Z|z|[+-][0-9]{2}:[0-9]{2}|[+-][0-9]{4}|)"
    ) {
        assert_agrees(text.as_bytes());
    }

    #[test]
    fn plausible_times_agree_with_the_earlier_parser(
        text in "2[01][0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-6][0-9](\\.[0-9]{1,10})?(Z|[+-](0[0-9]|1[0-9]|2[0-4]):[0-6][0-9])"
    ) {
        assert_agrees(text.as_bytes());
    }

    #[test]
    fn any_bytes_agree_with_the_earlier_parser(text in proptest::collection::vec(any::<u8>(), 0..40)) {
        assert_agrees(&text);
    }
}
