//! Verdicts: how each measure a figure shows stands against its target or goal, and the
//! status that is the worst of them. Colour is never the only signal: every verdict has
//! a mark (and, in `status_words`, words).

use serde::Serialize;

/// A verdict: how one measure stands against its target or goal, and (as a figure's
/// `status`) the worst verdict among the measures it shows. Ordered from no verdict to
/// the worst, so that the worst of several is their maximum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    None,
    Green,
    Amber,
    Red,
}

/// How far into its target a duration may run before it is "approaching" (amber), by
/// default: green up to 0.8 × the target.
pub const DEFAULT_WARN_FRACTION: f64 = 0.8;

/// How far above its goal a share must be to be green: within 5 points it is amber.
pub const SHARE_MARGIN_POINTS: f64 = 5.0;

impl Status {
    /// A duration (a mean) against its target: `green` up to `warn_fraction` × the
    /// target; `amber` up to the target (approaching); `red` above it — anything over its
    /// target is over. `none` without a target or without data.
    pub fn of_duration(value: Option<f64>, target: Option<f64>, warn_fraction: f64) -> Status {
        match (value, target) {
            (Some(value), Some(target)) if value <= target * warn_fraction => Status::Green,
            (Some(value), Some(target)) if value <= target => Status::Amber,
            (Some(_), Some(_)) => Status::Red,
            _ => Status::None,
        }
    }

    /// A share (a service level, a share within target) against its goal: `green` at
    /// least [`SHARE_MARGIN_POINTS`] above it; `amber` at or above it; `red` below.
    pub fn of_share(value: Option<f64>, goal: Option<f64>) -> Status {
        match (value, goal) {
            (Some(value), Some(goal)) if value >= goal + SHARE_MARGIN_POINTS => Status::Green,
            (Some(value), Some(goal)) if value >= goal => Status::Amber,
            (Some(_), Some(_)) => Status::Red,
            _ => Status::None,
        }
    }

    /// Open incidents past their target: `red` when there is any, no verdict otherwise.
    pub fn of_breaches(open_breached: u64) -> Status {
        if open_breached > 0 {
            Status::Red
        } else {
            Status::None
        }
    }

    /// The mark shown before a verdict's words, so that status never rests on colour
    /// alone.
    pub fn mark(self) -> &'static str {
        match self {
            Status::Green => "✔",
            Status::Amber => "▲",
            Status::Red => "✖",
            Status::None => "·",
        }
    }
}

/// The verdict of each measure a call line's tile shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CallVerdicts {
    /// The mean answer time against its target.
    pub mean: Status,
    /// The service level against its goal.
    pub service_level: Status,
}

impl CallVerdicts {
    pub fn worst(self) -> Status {
        self.mean.max(self.service_level)
    }
}

/// The verdict of each measure an incident grade's tile shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct IncidentVerdicts {
    /// The mean attendance time against its target.
    pub mean: Status,
    /// The share attended within target against its goal.
    pub within_target: Status,
    /// Open incidents past their target.
    pub breached: Status,
}

impl IncidentVerdicts {
    pub fn worst(self) -> Status {
        self.mean.max(self.within_target).max(self.breached)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_duration_is_green_to_the_warning_amber_to_the_target_red_past_it() {
        let target = Some(900.0); // 15 min; warning at 0.8 × 900 = 720 s
        assert_eq!(Status::of_duration(Some(720.0), target, 0.8), Status::Green);
        assert_eq!(Status::of_duration(Some(720.5), target, 0.8), Status::Amber);
        assert_eq!(Status::of_duration(Some(900.0), target, 0.8), Status::Amber);
        // 16 min 47 s against 15 min is over, never "near".
        assert_eq!(Status::of_duration(Some(1007.0), target, 0.8), Status::Red);
        assert_eq!(Status::of_duration(None, target, 0.8), Status::None);
        assert_eq!(Status::of_duration(Some(60.0), None, 0.8), Status::None);
    }

    #[test]
    fn a_share_is_green_five_points_above_its_goal_amber_at_it_red_below() {
        let goal = Some(90.0);
        assert_eq!(Status::of_share(Some(95.0), goal), Status::Green);
        assert_eq!(Status::of_share(Some(94.9), goal), Status::Amber);
        assert_eq!(Status::of_share(Some(90.0), goal), Status::Amber);
        assert_eq!(Status::of_share(Some(75.0), goal), Status::Red);
        assert_eq!(Status::of_share(None, goal), Status::None);
        assert_eq!(Status::of_share(Some(50.0), None), Status::None);
    }

    #[test]
    fn the_worst_verdict_decides_the_status() {
        let calls = CallVerdicts {
            mean: Status::Green,
            service_level: Status::Red,
        };
        assert_eq!(calls.worst(), Status::Red);
        let incidents = IncidentVerdicts {
            mean: Status::Green,
            within_target: Status::None,
            breached: Status::of_breaches(4),
        };
        assert_eq!(incidents.worst(), Status::Red);
        let quiet = IncidentVerdicts {
            mean: Status::None,
            within_target: Status::None,
            breached: Status::of_breaches(0),
        };
        assert_eq!(quiet.worst(), Status::None);
    }
}
