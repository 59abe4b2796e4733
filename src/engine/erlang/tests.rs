//! The worked figures were done by hand from the closed form (and agree with
//! `scripts/erlang_exact.py`); they are given to 0.1, so each is checked to ±0.05.

use super::*;

fn handlers(count: u32) -> Handlers {
    Handlers::new(count).expect("within the limit")
}

fn load(calls_per_hour: f64, mean_handle_s: f64) -> OfferedLoad {
    OfferedLoad::from_rate(calls_per_hour, mean_handle_s).expect("a valid load")
}

fn erlangs(a: f64) -> OfferedLoad {
    OfferedLoad::new(a).expect("a valid load")
}

/// The service level and mean wait, panicking on anything but a steady queue.
fn steady_figures(n: u32, load: OfferedLoad, aht_s: f64, threshold_s: f64) -> (f64, f64) {
    match forecast(handlers(n), load, aht_s, threshold_s) {
        Some(Forecast::Steady {
            service_level_pct,
            mean_wait_s,
        }) => (service_level_pct, mean_wait_s),
        other => panic!("{n} handlers: {other:?}"),
    }
}

fn assert_near(actual: f64, expected: f64, tolerance: f64, what: &str) {
    assert!(
        (actual - expected).abs() <= tolerance,
        "{what}: {actual}, expected {expected} ± {tolerance}"
    );
}

#[test]
fn offered_load_is_calls_per_second_times_handle_time() {
    assert_near(load(84.0, 180.0).erlangs(), 4.2, 1e-12, "84/h × 180 s");
    assert_near(load(120.0, 150.0).erlangs(), 5.0, 1e-12, "120/h × 150 s");
    assert_near(
        load(40.0, 240.0).erlangs(),
        8.0 / 3.0,
        1e-12,
        "40/h × 240 s",
    );
}

#[test]
fn eighty_four_calls_an_hour_of_three_minutes() {
    let demand = load(84.0, 180.0);
    assert_eq!(needed(demand, 180.0, 10.0, 90.0), Some(Needed::Team(8)));
    let cases = [
        (8, 93.9, None),
        (7, 85.9, Some(10.6)),
        (6, 69.6, Some(33.6)),
        (5, 39.4, Some(142.6)),
    ];
    for (n, sl_pct, asa_s) in cases {
        let (service_level, mean_wait) = steady_figures(n, demand, 180.0, 10.0);
        assert_near(service_level, sl_pct, 0.05, &format!("SL with {n}"));
        if let Some(asa_s) = asa_s {
            assert_near(mean_wait, asa_s, 0.05, &format!("ASA with {n}"));
        }
    }
}

#[test]
fn a_hundred_and_twenty_calls_an_hour_of_two_and_a_half_minutes() {
    let demand = load(120.0, 150.0);
    assert_eq!(needed(demand, 150.0, 10.0, 90.0), Some(Needed::Team(9)));
    let five = forecast(handlers(5), demand, 150.0, 10.0);
    assert_eq!(five, Some(Forecast::QueueGrows));
    assert_eq!(erlang_c(handlers(5), demand), None);
}

#[test]
fn forty_calls_an_hour_of_four_minutes() {
    let demand = load(40.0, 240.0);
    assert_eq!(needed(demand, 240.0, 10.0, 90.0), Some(Needed::Team(6)));
    let (service_level, _) = steady_figures(6, demand, 240.0, 10.0);
    assert_near(service_level, 94.6, 0.05, "SL with 6");
}

#[test]
fn no_load_never_waits() {
    let idle = erlangs(0.0);
    assert_eq!(erlang_c(handlers(1), idle), Some(0.0));
    assert_eq!(
        forecast(handlers(1), idle, 180.0, 10.0),
        Some(Forecast::Steady {
            service_level_pct: 100.0,
            mean_wait_s: 0.0
        })
    );
    // No one on duty and no one calling: N > A fails, as the definition asks.
    assert_eq!(erlang_c(handlers(0), idle), None);
    // No demand is not a positive load: there is nothing to staff for.
    assert_eq!(needed(idle, 180.0, 10.0, 90.0), None);
}

#[test]
fn as_many_handlers_as_load_is_a_growing_queue() {
    for n in [1, 5, 42, MAX_HANDLERS] {
        let exact = erlangs(f64::from(n));
        assert_eq!(erlang_c(handlers(n), exact), None, "{n}");
        assert_eq!(
            forecast(handlers(n), exact, 180.0, 10.0),
            Some(Forecast::QueueGrows)
        );
    }
    assert_eq!(
        forecast(handlers(3), erlangs(3.5), 180.0, 10.0),
        Some(Forecast::QueueGrows)
    );
}

/// C(10,000, 9,990) = 0.8805417113739897 and C(9,999, 9,990) = 0.8919905587570145, from
/// the closed form in exact rationals (`scripts/erlang_exact.py`'s `wait_probability`,
/// about 30 s each). With AHT 180 s and t = 10 s: SL = 1 − C·e^(−(N−A)·10/180) is
/// 49.47862 % with 10,000 and 45.89804 % with 9,999; ASA = C·180/(N − A) = 15.84975 s.
#[test]
fn ten_thousand_handlers_do_not_overflow() {
    let busy = erlangs(9_990.0);
    let wait = erlang_c(handlers(10_000), busy).expect("N > A");
    assert_near(wait, 0.880_541_711_373_989_7, 1e-12, "C(10,000)");
    let wait = erlang_c(handlers(9_999), busy).expect("N > A");
    assert_near(wait, 0.891_990_558_757_014_5, 1e-12, "C(9,999)");
    let (service_level, mean_wait) = steady_figures(10_000, busy, 180.0, 10.0);
    assert_near(service_level, 49.478_62, 1e-5, "SL");
    assert_near(mean_wait, 15.849_75, 1e-5, "ASA");
    // Between the two service levels: only the full 10,000 will do; above both, none.
    assert_eq!(needed(busy, 180.0, 10.0, 47.0), Some(Needed::Team(10_000)));
    assert_eq!(needed(busy, 180.0, 10.0, 50.0), Some(Needed::MoreThanMax));
}

/// A load of 10,000 erlangs (36,000 calls an hour, 10 a second, of 1,000 s) keeps 10,000
/// handlers busy: no team within the limit is larger, so more than 10,000 are needed,
/// whatever the goal below 100 %.
#[test]
fn a_load_past_the_limit_needs_more_than_the_limit() {
    let beyond = load(36_000.0, 1_000.0);
    assert_eq!(beyond.erlangs(), 10_000.0);
    assert_eq!(
        needed(beyond, 1_000.0, 10.0, 1.0),
        Some(Needed::MoreThanMax)
    );
    assert_eq!(
        needed(beyond, 1_000.0, 10.0, 90.0),
        Some(Needed::MoreThanMax)
    );
    // A goal of 100 % is never met by any team: no answer, not "more than 10,000".
    assert_eq!(needed(beyond, 1_000.0, 10.0, 100.0), None);
}

#[test]
fn more_handlers_never_serve_worse() {
    let loads = (1..=60)
        .map(|half| f64::from(half) / 2.0)
        .chain([4.2, 8.0 / 3.0]);
    for a in loads {
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let first = a.floor() as u32 + 1;
        let mut previous: Option<(f64, f64, f64)> = None;
        for n in first..first + 40 {
            let wait = erlang_c(handlers(n), erlangs(a)).expect("N > A");
            let (service_level, mean_wait) = steady_figures(n, erlangs(a), 180.0, 10.0);
            assert!((0.0..=1.0).contains(&wait), "C({n}, {a}) = {wait}");
            if let Some((wait_before, sl_before, asa_before)) = previous {
                assert!(wait <= wait_before, "C falls: A {a}, N {n}");
                assert!(service_level >= sl_before, "SL rises: A {a}, N {n}");
                assert!(mean_wait <= asa_before, "ASA falls: A {a}, N {n}");
            }
            previous = Some((wait, service_level, mean_wait));
        }
    }
}

#[test]
fn hostile_numbers_are_refused_not_panicked_on() {
    let odd = [
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        -1.0,
        -0.0,
        0.0,
        1e308,
    ];
    assert_eq!(OfferedLoad::new(f64::NAN), None);
    assert_eq!(OfferedLoad::new(f64::INFINITY), None);
    assert_eq!(OfferedLoad::new(-1.0), None);
    assert_eq!(OfferedLoad::from_rate(1e308, 1e308), None);
    assert_eq!(OfferedLoad::from_rate(f64::INFINITY, 0.0), None);
    assert_eq!(OfferedLoad::from_rate(f64::NAN, 180.0), None);
    assert_eq!(Handlers::new(MAX_HANDLERS + 1), None);
    assert_eq!(Handlers::new(u32::MAX), None);
    let demand = load(84.0, 180.0);
    for x in odd {
        // Each result is a refusal or a sane number: never NaN, never infinite.
        if let Some(Forecast::Steady {
            service_level_pct,
            mean_wait_s,
        }) = forecast(handlers(7), demand, x, 10.0)
        {
            assert!(x == 1e308 && service_level_pct.is_finite() && mean_wait_s.is_finite());
        }
        if let Some(Forecast::Steady {
            service_level_pct, ..
        }) = forecast(handlers(7), demand, 180.0, x)
        {
            assert!((0.0..=100.0).contains(&service_level_pct), "threshold {x}");
        }
        for goal in [x, 100.0, 150.0] {
            assert_eq!(needed(demand, 180.0, 10.0, goal), None, "goal {goal}");
        }
        let need = needed(demand, x, 10.0, 90.0);
        assert!(need.is_none() || x == 1e308, "aht {x}: {need:?}");
        if let Some(a) = OfferedLoad::new(x) {
            let need = needed(a, 180.0, 10.0, 90.0);
            // 1e308 erlangs is a real load, beyond any team; the others are no load.
            let expected = (x == 1e308).then_some(Needed::MoreThanMax);
            assert_eq!(need, expected, "load {x}");
        }
    }
}

#[test]
fn a_huge_handle_time_over_a_sliver_of_capacity_is_refused() {
    // ASA = C·AHT/(N − A) would be about 1e308 / 1e-13: not a finite number.
    let sliver = erlangs(5.0 - 1e-13);
    assert_eq!(forecast(handlers(5), sliver, 1e308, 10.0), None);
}

#[test]
fn a_wait_probability_below_the_smallest_double_is_zero() {
    // C(10,000, 0.5) is about 0.5^10,000 / 10,000!, some 10^-38,000: 0 as a double.
    let light = erlangs(0.5);
    assert_eq!(erlang_c(handlers(10_000), light), Some(0.0));
    assert_eq!(
        forecast(handlers(10_000), light, 180.0, 10.0),
        Some(Forecast::Steady {
            service_level_pct: 100.0,
            mean_wait_s: 0.0
        })
    );
}
