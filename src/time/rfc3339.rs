//! The hand-written fast path of [`super::parse_rfc3339`]: the fixed layout every feed
//! writes (`2024-07-01T11:00:04.123Z`), with anything unusual left to chrono.
//!
//! Parsing a feed's times was a tenth of `report`'s instructions (about 350 a time, with a
//! bounds check on every byte and signed divisions for the date); this reads the first 19
//! bytes as a fixed array and does the date's arithmetic unsigned (performance §39). The
//! answer is the earlier parser's, kept in the tests as the definition.

use std::cell::Cell;

use super::Span;

/// Nanoseconds in one unit of the last of `n` fraction digits (`n` from 1 to 9).
const NANOS_PER_LAST_DIGIT: [i64; 10] = [
    1_000_000_000,
    100_000_000,
    10_000_000,
    1_000_000,
    100_000,
    10_000,
    1_000,
    100,
    10,
    1,
];

thread_local! {
    /// The date and hour (`YYYY-MM-DDTHH`) last read on this thread, with its seconds since
    /// the epoch. A feed's lines come in time order, so nearly every time shares its date and
    /// hour with the one before: only its minutes on are read then (reading the date was
    /// over a third of a time's cost, performance §46). Only a memo: the answer is the same.
    static LAST_DATE_HOUR: Cell<Option<([u8; 13], i64)>> = const { Cell::new(None) };
}

/// `YYYY-MM-DDTHH:MM:SS[.f{1,9}](Z|±HH:MM)` as nanoseconds since the epoch; `None` means
/// "let chrono decide".
pub(super) fn parse_fixed_layout(b: &[u8]) -> Option<i64> {
    let head: &[u8; 19] = b.first_chunk()?;
    if b.len() < 20 || head[13] != b':' || head[16] != b':' {
        return None;
    }
    let date_hour: &[u8; 13] = head.first_chunk()?;
    let hour_seconds = match LAST_DATE_HOUR.get() {
        Some((last, seconds)) if last == *date_hour => seconds,
        _ => {
            let seconds = date_hour_seconds(date_hour)?;
            LAST_DATE_HOUR.set(Some((*date_hour, seconds)));
            seconds
        }
    };
    let minute = two_digits(head, 14)?;
    let second = two_digits(head, 17)?;
    if minute > 59 || second > 59 {
        return None;
    }
    let mut pos = 19;
    let mut fraction: i64 = 0;
    if b[pos] == b'.' {
        pos += 1;
        while let Some(digit) = b.get(pos).map(|byte| byte.wrapping_sub(b'0')) {
            if digit > 9 {
                break;
            }
            if pos == 29 {
                return None; // a tenth digit: finer than nanoseconds
            }
            fraction = fraction * 10 + i64::from(digit);
            pos += 1;
        }
        let digits = pos - 20;
        if digits == 0 {
            return None;
        }
        fraction *= NANOS_PER_LAST_DIGIT[digits];
    }
    let offset_seconds = match b.get(pos..)? {
        [b'Z'] => 0,
        [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
            let off_hour = two_digits(b, pos + 1)?;
            let off_minute = two_digits(b, pos + 4)?;
            if off_hour > 23 || off_minute > 59 {
                return None;
            }
            let magnitude = off_hour * 3600 + off_minute * 60;
            if *sign == b'+' { magnitude } else { -magnitude }
        }
        _ => return None,
    };
    let seconds = hour_seconds + minute * 60 + second - offset_seconds;
    seconds
        .checked_mul(Span::SECOND.nanos())?
        .checked_add(fraction)
}

/// `YYYY-MM-DDTHH` as seconds since the epoch at the start of that hour (no offset yet).
fn date_hour_seconds(head: &[u8; 13]) -> Option<i64> {
    if head[4] != b'-' || head[7] != b'-' || head[10] != b'T' {
        return None;
    }
    // Every pair is read, then all are checked at once: no early return a digit.
    let mut all_digits = true;
    let mut pair = |at: usize| {
        let tens = head[at].wrapping_sub(b'0');
        let units = head[at + 1].wrapping_sub(b'0');
        all_digits &= tens < 10 && units < 10;
        u32::from(tens) * 10 + u32::from(units)
    };
    let year = pair(0) * 100 + pair(2);
    let month = pair(5);
    let day = pair(8);
    let hour = pair(11);
    if !all_digits || !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    if hour > 23 {
        return None;
    }
    Some(days_since_epoch(year, month, day) * 86_400 + i64::from(hour * 3600))
}

fn two_digits(bytes: &[u8], at: usize) -> Option<i64> {
    let tens = bytes.get(at)?.wrapping_sub(b'0');
    let units = bytes.get(at + 1)?.wrapping_sub(b'0');
    (tens < 10 && units < 10).then_some(i64::from(tens) * 10 + i64::from(units))
}

fn is_leap(year: u32) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a date of the years 0–9999 (month 1–12, day 1–31): Howard
/// Hinnant's algorithm on the year moved on by one era (400 years, 146,097 days), so that
/// year 0's January and February (year −1 counted from March) stay unsigned too.
fn days_since_epoch(year: u32, month: u32, day: u32) -> i64 {
    let year = year + 400 - u32::from(month <= 2);
    let era = year / 400;
    let year_of_era = year % 400;
    let month_from_march = if month > 2 { month - 3 } else { month + 9 };
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    i64::from(era) * 146_097 + i64::from(day_of_era) - 719_468 - 146_097
}

#[cfg(test)]
#[path = "rfc3339_tests.rs"]
mod tests;
