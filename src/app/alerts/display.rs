//! Raised alerts in words, for the board's alert strip.

use super::rules::Measure;
use super::{ActiveAlert, AlertKey, Level};
use crate::format::{answer_999, human_target};
use crate::ui::AlertLine;

/// Each alert as a line: what it is, the figure and the threshold it is past.
pub fn lines(shown: &[ActiveAlert]) -> Vec<AlertLine> {
    shown
        .iter()
        .map(|alert| AlertLine {
            critical: alert.level == Level::Critical,
            text: text(alert),
            acknowledged_by: alert.acknowledged.as_ref().map(|ack| ack.by.clone()),
        })
        .collect()
}

fn text(alert: &ActiveAlert) -> String {
    let label = alert.key.label();
    let measure = match &alert.key {
        AlertKey::Measure(measure) | AlertKey::AreaMeasure { measure, .. } => *measure,
        AlertKey::Breach { .. } => return label,
    };
    let (Some(value), Some(threshold)) = (alert.value, alert.threshold) else {
        return label;
    };
    match measure {
        Measure::ServiceLevel(_) | Measure::ForecastServiceLevel(_) => {
            format!("{label} {value:.1}% (under {threshold:.1}%)")
        }
        Measure::MeanAnswer(_) | Measure::LongestWait(_) => {
            format!(
                "{label} {} (over {})",
                answer_999(value),
                human_target(threshold)
            )
        }
        Measure::Waiting(_) => format!("{label} {value:.0} (over {threshold:.0})"),
        Measure::FeedNotLive => label,
    }
}
