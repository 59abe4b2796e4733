//! Figures as people read them: durations, targets, percentages and speeds. One place,
//! so `report`, the dashboard and every other human-readable output say the same thing.

/// A duration for people: `8.0s`, `12m 30s`, `2h 05m`.
pub fn human_duration(seconds: f64) -> String {
    if seconds < 100.0 {
        format!("{seconds:.1}s")
    } else if seconds < 3600.0 {
        let whole = seconds.round() as i64;
        format!("{}m {:02}s", whole / 60, whole % 60)
    } else {
        let minutes = (seconds / 60.0).round() as i64;
        format!("{}h {:02}m", minutes / 60, minutes % 60)
    }
}

/// A target or threshold for people: `5s`, `10s`, `3m`, `15m`, `1h`.
pub fn human_target(seconds: f64) -> String {
    let whole = seconds.round() as i64;
    if whole % 3600 == 0 && whole >= 3600 {
        format!("{}h", whole / 3600)
    } else if whole % 60 == 0 && whole >= 60 {
        format!("{}m", whole / 60)
    } else {
        format!("{seconds}s")
    }
}

/// A duration, or `-` without data.
pub fn dur(seconds: Option<f64>) -> String {
    seconds.map_or_else(|| "-".to_string(), human_duration)
}

/// A percentage with one decimal, or `-`.
pub fn pct(value: Option<f64>) -> String {
    value.map_or_else(|| "-".to_string(), |p| format!("{p:.1}%"))
}

/// A percentage rounded to a whole number, or `-`.
pub fn pct0(value: Option<f64>) -> String {
    value.map_or_else(|| "-".to_string(), |p| format!("{p:.0}%"))
}

/// A goal percentage as configured: `90%`, `92.5%`.
pub fn goal(value: f64) -> String {
    format!("{value}%")
}

/// A replay speed: `×60`, `×0.5`, `×1`.
pub fn speed(speed: f64) -> String {
    if speed.fract() == 0.0 && speed.abs() < 1e9 {
        format!("×{}", speed as i64)
    } else {
        format!("×{}", (speed * 100.0).round() / 100.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_for_people() {
        assert_eq!(human_duration(8.0), "8.0s");
        assert_eq!(human_duration(99.94), "99.9s");
        assert_eq!(human_duration(600.0), "10m 00s");
        assert_eq!(human_duration(1805.4), "30m 05s");
        assert_eq!(human_duration(7500.0), "2h 05m");
        assert_eq!(human_target(5.0), "5s");
        assert_eq!(human_target(180.0), "3m");
        assert_eq!(human_target(900.0), "15m");
        assert_eq!(human_target(3600.0), "1h");
        assert_eq!(human_target(2.5), "2.5s");
    }

    #[test]
    fn speeds_and_percentages() {
        assert_eq!(speed(60.0), "×60");
        assert_eq!(speed(0.5), "×0.5");
        assert_eq!(pct(Some(100.0 / 3.0)), "33.3%");
        assert_eq!(pct0(Some(100.0 / 3.0)), "33%");
        assert_eq!(goal(90.0), "90%");
    }
}
