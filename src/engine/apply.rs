//! Applying events: the records, under the rules of [`super::ledger`], and the indexes kept
//! with them ([`super::live`]); and forgetting what no window can see any more.

use super::ledger::{
    CloseVerdict, EndVerdict, Handling, Life, OpenVerdict, OwnOpening, Refusal, rule_close,
    rule_end, rule_open,
};
use super::live::{ClosedCall, ClosedIncident};
use super::staffing::{HANDLE_SPAN, SNAPSHOT_LIFE, Snapshot};
use super::{Applied, AreaId, CallRecord, Engine, IncidentRecord};
use crate::model::{
    CallLine, CallOutcome, Event, EventBody, FeedText, Grade, IncidentOutcome, Reject,
};
use crate::time::{Span, Timestamp};

impl Engine {
    /// Applies one event, in the order given (the caller orders files by time).
    pub fn ingest(&mut self, event: Event) -> Result<Applied, Reject> {
        let at = event.at;
        let kind = event.body.kind();
        let applied = match event.body {
            EventBody::CallOffered { id, line, lpa } => {
                let hashed = self.calls.hashed(&id);
                let life = self
                    .calls
                    .get_hashed(hashed)
                    .map_or(Life::Unknown, CallRecord::life);
                if rule_open(life) == OpenVerdict::Duplicate {
                    return Ok(Applied::Duplicate);
                }
                let area = self.area_of(lpa);
                self.live.open_call(&id, at, line, area);
                self.calls
                    .insert_hashed(hashed, CallRecord::open(at, line, area));
                Applied::Accepted
            }
            EventBody::CallClosed {
                id,
                outcome,
                offered_at,
                line,
                lpa,
            } => {
                let own = OwnOpening::from_fields(offered_at, line);
                self.close_call(&id, outcome, at, own, lpa)
                    .map_err(|refusal| refusal.reject(kind))?
            }
            EventBody::IncidentCreated { id, grade, lpa } => {
                let hashed = self.incidents.hashed(&id);
                let life = self
                    .incidents
                    .get_hashed(hashed)
                    .map_or(Life::Unknown, IncidentRecord::life);
                if rule_open(life) == OpenVerdict::Duplicate {
                    return Ok(Applied::Duplicate);
                }
                let area = self.area_of(lpa);
                self.live.open_incident(&id, at, grade, area);
                self.incidents
                    .insert_hashed(hashed, IncidentRecord::open(at, grade, area));
                Applied::Accepted
            }
            EventBody::IncidentClosed {
                id,
                outcome,
                created_at,
                grade,
                lpa,
            } => {
                let own = OwnOpening::from_fields(created_at, grade);
                self.close_incident(&id, outcome, at, own, lpa)
                    .map_err(|refusal| refusal.reject(kind))?
            }
            EventBody::Heartbeat { .. } => Applied::Accepted,
            EventBody::CallEnded { id } => self
                .end_call(&id, at)
                .map_err(|refusal| refusal.reject(kind))?,
            EventBody::Staffing {
                line,
                on_duty,
                available,
            } => {
                let snapshot = Snapshot {
                    at,
                    on_duty,
                    available,
                };
                self.staffing.record_snapshot(line, snapshot);
                Applied::Accepted
            }
        };
        if applied == Applied::Duplicate {
            return Ok(applied); // changes nothing, not even the latest time
        }
        if self.latest.is_none_or(|latest| at > latest) {
            self.latest = Some(at);
        }
        if at >= self.next_sweep {
            self.sweep(at);
        }
        Ok(applied)
    }

    /// A closing event for call `id` at `at`; `own` and `lpa` let it stand alone.
    fn close_call(
        &mut self,
        id: &str,
        outcome: CallOutcome,
        at: Timestamp,
        own: Option<OwnOpening<CallLine>>,
        lpa: Option<FeedText>,
    ) -> Result<Applied, Refusal> {
        let record = self.calls.get_mut(id.as_bytes());
        let life = record.as_deref().map_or(Life::Unknown, CallRecord::life);
        match rule_close(life, at, own, self.settings.max_call_duration)? {
            CloseVerdict::Duplicate => return Ok(Applied::Duplicate),
            CloseVerdict::Close => {
                if let Some(record) = record {
                    record.outcome = Some(outcome);
                    record.closed_at = at;
                    self.live.close_call(id, record.closed_call(outcome, at));
                }
            }
            CloseVerdict::StandAlone(own) => {
                let area = self.area_of(lpa);
                let record = CallRecord::stand_alone(own, area, outcome, at);
                self.live.add_closed_call(record.closed_call(outcome, at));
                self.calls.insert(id, record);
            }
        }
        Ok(Applied::Accepted)
    }

    /// A `call_ended` for call `id` at `at`: its handle time joins its line's.
    fn end_call(&mut self, id: &str, at: Timestamp) -> Result<Applied, Refusal> {
        let record = self.calls.get_mut(id.as_bytes());
        let handling = record
            .as_deref()
            .map_or(Handling::NotAnswered, CallRecord::handling);
        match rule_end(handling, at)? {
            EndVerdict::Duplicate => Ok(Applied::Duplicate),
            EndVerdict::End { handle } => {
                if let Some(record) = record {
                    record.ended = true;
                    self.staffing.record_end(record.line, at, handle);
                }
                Ok(Applied::Accepted)
            }
        }
    }

    /// As [`Engine::close_call`], for incident `id`.
    fn close_incident(
        &mut self,
        id: &str,
        outcome: IncidentOutcome,
        at: Timestamp,
        own: Option<OwnOpening<Grade>>,
        lpa: Option<FeedText>,
    ) -> Result<Applied, Refusal> {
        let record = self.incidents.get_mut(id.as_bytes());
        let life = record
            .as_deref()
            .map_or(Life::Unknown, IncidentRecord::life);
        match rule_close(life, at, own, self.settings.max_incident_duration)? {
            CloseVerdict::Duplicate => return Ok(Applied::Duplicate),
            CloseVerdict::Close => {
                if let Some(record) = record {
                    record.outcome = Some(outcome);
                    record.closed_at = at;
                    self.live
                        .close_incident(id, record.closed_incident(outcome, at));
                }
            }
            CloseVerdict::StandAlone(own) => {
                let area = self.area_of(lpa);
                let record = IncidentRecord::stand_alone(own, area, outcome, at);
                self.live
                    .add_closed_incident(record.closed_incident(outcome, at));
                self.incidents.insert(id, record);
            }
        }
        Ok(Applied::Accepted)
    }

    /// Forgets what no window can see any more: closed calls and incidents (and with them
    /// their ids) closed longer than the retention ago, and calls left open so long that
    /// they can only ever count as expired.
    /// The retention is at least an hour, what the staffing figures look back over.
    pub(super) fn sweep(&mut self, latest: Timestamp) {
        let retention = self.settings.retention.max(HANDLE_SPAN);
        let cutoff = latest - retention;
        let open_call_cutoff = latest - retention.max(self.settings.call_expiry * 2);
        let (calls, forgotten) = (&mut self.calls, &mut self.expired_forgotten);
        self.live
            .forget_open_calls(open_call_cutoff, |id, bucket, line| {
                calls.remove(id.as_bytes());
                forgotten[bucket][line.index()] += 1;
            });
        self.calls
            .retain(|call| call.closed().is_none_or(|(_, closed)| closed > cutoff));
        self.incidents
            .retain(|incident| incident.closed().is_none_or(|(_, closed)| closed > cutoff));
        self.live.forget_closed(cutoff);
        // A T within the retention looks back an hour for handle times and snapshots.
        self.staffing
            .forget_until(cutoff - HANDLE_SPAN.max(SNAPSHOT_LIFE));
        // Sweeping every quarter of the retention keeps at most 1.25 × retention of
        // records while touching each record only a few times over its life.
        self.next_sweep = latest + (retention / 4).max(Span::MINUTE);
    }
}

impl CallRecord {
    fn open(offered: Timestamp, line: CallLine, area: Option<AreaId>) -> CallRecord {
        CallRecord {
            offered,
            closed_at: offered,
            area,
            line,
            outcome: None,
            ended: false,
            stand_alone: false,
        }
    }

    /// Known only from its closing event at `at`.
    fn stand_alone(
        own: OwnOpening<CallLine>,
        area: Option<AreaId>,
        outcome: CallOutcome,
        at: Timestamp,
    ) -> CallRecord {
        CallRecord {
            offered: own.at,
            closed_at: at,
            area,
            line: own.what,
            outcome: Some(outcome),
            ended: false,
            stand_alone: true,
        }
    }

    fn closed_call(&self, outcome: CallOutcome, at: Timestamp) -> ClosedCall {
        ClosedCall {
            closed: at,
            offered: self.offered,
            outcome,
            line: self.line,
            area: self.area,
        }
    }
}

impl IncidentRecord {
    fn open(created: Timestamp, grade: Grade, area: Option<AreaId>) -> IncidentRecord {
        IncidentRecord {
            created,
            closed_at: created,
            area,
            grade,
            outcome: None,
            stand_alone: false,
        }
    }

    /// Known only from its closing event at `at`.
    fn stand_alone(
        own: OwnOpening<Grade>,
        area: Option<AreaId>,
        outcome: IncidentOutcome,
        at: Timestamp,
    ) -> IncidentRecord {
        IncidentRecord {
            created: own.at,
            closed_at: at,
            area,
            grade: own.what,
            outcome: Some(outcome),
            stand_alone: true,
        }
    }

    fn closed_incident(&self, outcome: IncidentOutcome, at: Timestamp) -> ClosedIncident {
        ClosedIncident {
            closed: at,
            created: self.created,
            outcome,
            grade: self.grade,
            area: self.area,
        }
    }
}
