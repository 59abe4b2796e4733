//! The incidents as the engine knows them at a moment, one by one: what the handover
//! report lists (breaches) and draws (attendance times) beside the figures. A scan over
//! the records held, for reports only: never on a frame's or an event's path.

use super::{Engine, bucket};
use crate::model::{Grade, IncidentOutcome};
use crate::time::{Span, Timestamp};

/// One incident at a moment: its creation and, if it was closed by then, how and when.
#[derive(Debug, Clone, PartialEq)]
pub struct IncidentLife {
    pub id: String,
    pub area: Option<String>,
    pub grade: Grade,
    pub created: Timestamp,
    /// Closed at or before the moment asked about; `None` while open then.
    pub closed: Option<(IncidentOutcome, Timestamp)>,
    /// The grade's attendance target (its breach line).
    pub target: Option<Span>,
}

impl Engine {
    /// Every incident known at `now` (created, or closed stand-alone, at or before it) that
    /// the engine still holds, oldest creation first (ties by id). A close after `now` has
    /// not happened yet: the incident is open.
    pub fn incident_lives(&self, now: Timestamp) -> Vec<IncidentLife> {
        let mut lives: Vec<IncidentLife> = self
            .incidents
            .iter()
            .filter(|(_, incident)| incident.known_from() <= now)
            .map(|(id, incident)| IncidentLife {
                id: id.as_str().to_string(),
                area: self.area_label(bucket(incident.area)),
                grade: incident.grade,
                created: incident.created,
                closed: incident.closed().filter(|&(_, at)| at <= now),
                target: self.settings.incidents[incident.grade.index()].target,
            })
            .collect();
        lives.sort_unstable_by(|a, b| a.created.cmp(&b.created).then_with(|| a.id.cmp(&b.id)));
        lives
    }
}
