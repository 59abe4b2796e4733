//! The rules of one id's life, written once: unknown → open → closed.
//!
//! - An opening for an unknown id opens it; a second opening is a duplicate.
//! - A closing event for an open id closes it, unless it is earlier than the opening (a
//!   negative duration, refused) or longer after it than the plausible maximum (an
//!   implausible duration, refused: calls 24 h, incidents 30 days by default). For a
//!   closed id it is a duplicate.
//! - A closing event for an unknown id stands alone only with its own opening time and
//!   line / grade (refused as unmatched otherwise), and only within those same bounds of
//!   that time.
//!
//! - A `call_ended` (schema v1.1) ends the handling of an answered call: refused as
//!   unmatched for an unknown id or a call not answered (abandoned, or still waiting),
//!   as a negative duration before the answer, and a duplicate once ended
//!   ([`rule_end`], in `handling.rs`).
//!
//! Calls and incidents follow the same rules ([`rule_open`], [`rule_close`], and for calls
//! [`rule_end`]); the engine applies them to its records, and [`Ledger`] applies them to a
//! plain table of ids for a planner that needs the verdicts and each opening's data but
//! no figures (`serve`).

mod handling;

use std::collections::HashMap;

pub(crate) use handling::{EndVerdict, Handling, Outcome, rule_end};

use crate::model::{EventKind, Reject};
use crate::time::{Span, Timestamp};

/// What is known of an id before an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Life {
    Unknown,
    Open { opened: Timestamp },
    Closed,
}

/// What an opening event does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OpenVerdict {
    /// Opens the id.
    Open,
    /// The id is open or closed already: changes nothing.
    Duplicate,
}

/// A closing event's own account of its opening: when, and what (line or grade).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct OwnOpening<T> {
    pub(crate) at: Timestamp,
    pub(crate) what: T,
}

impl<T> OwnOpening<T> {
    /// Only a closing event carrying both its opening time and its line / grade can
    /// stand alone.
    pub(crate) fn from_fields(at: Option<Timestamp>, what: Option<T>) -> Option<OwnOpening<T>> {
        Some(OwnOpening {
            at: at?,
            what: what?,
        })
    }
}

/// What an accepted closing event does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CloseVerdict<T> {
    /// Closes the open id. Its opening's line, grade and area stand: the closing event's
    /// own optional fields are ignored.
    Close,
    /// An unknown id, standing alone: opened at `own.at` and closed by this event.
    StandAlone(OwnOpening<T>),
    /// The id is closed already: changes nothing.
    Duplicate,
}

/// Why a closing event is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// An unknown id, without what it needs to stand alone.
    Unmatched,
    /// Earlier than the opening.
    NegativeDuration,
    /// Longer after the opening than the plausible maximum.
    ImplausibleDuration,
}

impl Refusal {
    /// The reason a line of `kind` is rejected.
    pub(crate) fn reject(self, kind: EventKind) -> Reject {
        match self {
            Refusal::Unmatched => Reject::Unmatched(kind),
            Refusal::NegativeDuration => Reject::NegativeDuration(kind),
            Refusal::ImplausibleDuration => Reject::ImplausibleDuration(kind),
        }
    }
}

/// An opening event for an id in state `life`.
pub(crate) fn rule_open(life: Life) -> OpenVerdict {
    match life {
        Life::Unknown => OpenVerdict::Open,
        Life::Open { .. } | Life::Closed => OpenVerdict::Duplicate,
    }
}

/// A closing event at `at` for an id in state `life`; `own` is its own opening, when it
/// carries one (see [`OwnOpening::from_fields`]); `max_duration` is the longest a call or
/// incident can plausibly last.
pub(crate) fn rule_close<T>(
    life: Life,
    at: Timestamp,
    own: Option<OwnOpening<T>>,
    max_duration: Span,
) -> Result<CloseVerdict<T>, Refusal> {
    match life {
        Life::Closed => Ok(CloseVerdict::Duplicate),
        Life::Open { opened } => {
            check_duration(opened, at, max_duration)?;
            Ok(CloseVerdict::Close)
        }
        Life::Unknown => match own {
            None => Err(Refusal::Unmatched),
            Some(own) => {
                check_duration(own.at, at, max_duration)?;
                Ok(CloseVerdict::StandAlone(own))
            }
        },
    }
}

/// From `opened` to `closed`: neither negative nor longer than `max_duration`. (The
/// difference saturates, so instants centuries apart still compare as too long.)
fn check_duration(opened: Timestamp, closed: Timestamp, max_duration: Span) -> Result<(), Refusal> {
    if closed < opened {
        Err(Refusal::NegativeDuration)
    } else if closed - opened > max_duration {
        Err(Refusal::ImplausibleDuration)
    } else {
        Ok(())
    }
}

/// What [`Ledger::close`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Closing<D> {
    /// Closed an open id: its opening's time and data.
    Opened { at: Timestamp, data: D },
    /// An unknown id, standing alone: now remembered as closed.
    StandAlone,
    /// The id was closed already.
    Duplicate,
}

#[derive(Debug, Clone)]
enum Entry<D> {
    Open {
        at: Timestamp,
        data: D,
    },
    /// Closed, with what a `call_ended` would find (an incident's is never answered).
    Closed {
        handling: Handling,
    },
}

/// A table of ids under the rules, keeping each open id's opening data (`D`) until its
/// closing event takes it, and a closed call's handling until its `call_ended`. Nothing
/// is ever forgotten.
#[derive(Debug, Clone)]
pub(crate) struct Ledger<D> {
    ids: HashMap<Box<str>, Entry<D>>,
    max_duration: Span,
}

impl<D> Ledger<D> {
    /// An empty table for ids that last at most `max_duration` (see [`rule_close`]).
    pub(crate) fn new(max_duration: Span) -> Self {
        Ledger {
            ids: HashMap::new(),
            max_duration,
        }
    }

    fn life(&self, id: &str) -> Life {
        match self.ids.get(id) {
            None => Life::Unknown,
            Some(Entry::Open { at, .. }) => Life::Open { opened: *at },
            Some(Entry::Closed { .. }) => Life::Closed,
        }
    }

    /// An opening event for `id` at `at`, with what a later closing event needs copied in.
    pub(crate) fn open(&mut self, id: &str, at: Timestamp, data: D) -> OpenVerdict {
        let verdict = rule_open(self.life(id));
        if verdict == OpenVerdict::Open {
            self.ids.insert(id.into(), Entry::Open { at, data });
        }
        verdict
    }

    /// A closing event for `id` at `at` with `outcome`; `own` as for [`rule_close`].
    pub(crate) fn close<T>(
        &mut self,
        id: &str,
        at: Timestamp,
        own: Option<OwnOpening<T>>,
        outcome: impl Outcome,
    ) -> Result<Closing<D>, Refusal> {
        let closed = Entry::Closed {
            handling: outcome.handling(at),
        };
        match rule_close(self.life(id), at, own, self.max_duration)? {
            CloseVerdict::Duplicate => Ok(Closing::Duplicate),
            CloseVerdict::StandAlone(_) => {
                self.ids.insert(id.into(), closed);
                Ok(Closing::StandAlone)
            }
            CloseVerdict::Close => match self
                .ids
                .get_mut(id)
                .map(|entry| std::mem::replace(entry, closed))
            {
                Some(Entry::Open { at, data }) => Ok(Closing::Opened { at, data }),
                // `life` said open: the table cannot have changed since.
                _ => Ok(Closing::Duplicate),
            },
        }
    }

    /// A `call_ended` for `id` at `at`, under [`rule_end`].
    pub(crate) fn end(&mut self, id: &str, at: Timestamp) -> Result<EndVerdict, Refusal> {
        let Some(Entry::Closed { handling }) = self.ids.get_mut(id) else {
            // Unknown, or still waiting: not answered.
            return rule_end(Handling::NotAnswered, at);
        };
        let verdict = rule_end(*handling, at)?;
        if let EndVerdict::End { .. } = verdict {
            *handling = Handling::Ended;
        }
        Ok(verdict)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CallLine, CallOutcome, Grade, IncidentOutcome};
    use crate::time::Span;

    const OPENED: Timestamp = Timestamp::from_nanos(1_000);
    const ANSWERED: CallOutcome = CallOutcome::Answered;
    /// The default plausible maximum of a call.
    const MAX: Span = Span::from_hours(24);

    fn at(nanos: i64) -> Timestamp {
        Timestamp::from_nanos(nanos)
    }

    fn ns(nanos: i64) -> Span {
        Span::from_nanos(nanos)
    }

    fn own(at: Timestamp) -> Option<OwnOpening<CallLine>> {
        Some(OwnOpening {
            at,
            what: CallLine::Emergency999,
        })
    }

    #[test]
    fn an_opening_opens_only_an_unknown_id() {
        assert_eq!(rule_open(Life::Unknown), OpenVerdict::Open);
        let open = Life::Open { opened: OPENED };
        assert_eq!(rule_open(open), OpenVerdict::Duplicate);
        assert_eq!(rule_open(Life::Closed), OpenVerdict::Duplicate);
    }

    #[test]
    fn a_close_of_an_open_id_closes_it_at_or_after_the_opening() {
        let open = Life::Open { opened: OPENED };
        assert_eq!(
            rule_close(open, OPENED, own(at(0)), MAX),
            Ok(CloseVerdict::Close)
        );
        assert_eq!(
            rule_close(open, OPENED + ns(5), None::<OwnOpening<CallLine>>, MAX),
            Ok(CloseVerdict::Close)
        );
        // One nanosecond before the opening: refused, whatever the close says of itself.
        assert_eq!(
            rule_close(open, OPENED - ns(1), own(at(0)), MAX),
            Err(Refusal::NegativeDuration)
        );
    }

    #[test]
    fn a_close_up_to_the_plausible_maximum_is_accepted_and_one_nanosecond_more_refused() {
        // Calls: 24 h = 86_400 s.
        let open = Life::Open { opened: OPENED };
        let day = Span::from_secs(86_400);
        assert_eq!(
            rule_close(open, OPENED + day, None::<OwnOpening<CallLine>>, day),
            Ok(CloseVerdict::Close)
        );
        assert_eq!(
            rule_close(
                open,
                OPENED + day + ns(1),
                None::<OwnOpening<CallLine>>,
                day
            ),
            Err(Refusal::ImplausibleDuration)
        );
        assert_eq!(
            rule_close(Life::Unknown, OPENED + day, own(OPENED), day),
            Ok(CloseVerdict::StandAlone(OwnOpening {
                at: OPENED,
                what: CallLine::Emergency999
            }))
        );
        assert_eq!(
            rule_close(Life::Unknown, OPENED + day + ns(1), own(OPENED), day),
            Err(Refusal::ImplausibleDuration)
        );
        // Incidents: 30 days = 2_592_000 s.
        let month = Span::from_secs(2_592_000);
        assert_eq!(
            rule_close(open, OPENED + month, None::<OwnOpening<Grade>>, month),
            Ok(CloseVerdict::Close)
        );
        assert_eq!(
            rule_close(
                open,
                OPENED + month + ns(1),
                None::<OwnOpening<Grade>>,
                month
            ),
            Err(Refusal::ImplausibleDuration)
        );
        let grade = |at| {
            Some(OwnOpening {
                at,
                what: Grade::Priority,
            })
        };
        assert_eq!(
            rule_close(Life::Unknown, OPENED + month, grade(OPENED), month),
            Ok(CloseVerdict::StandAlone(OwnOpening {
                at: OPENED,
                what: Grade::Priority
            }))
        );
        assert_eq!(
            rule_close(Life::Unknown, OPENED + month + ns(1), grade(OPENED), month),
            Err(Refusal::ImplausibleDuration)
        );
        // Instants as far apart as they go: the difference saturates, still too long.
        let far = Life::Open {
            opened: Timestamp::MIN,
        };
        assert_eq!(
            rule_close(far, Timestamp::MAX, None::<OwnOpening<CallLine>>, day),
            Err(Refusal::ImplausibleDuration)
        );
        // A close of a closed id is a duplicate however long after.
        assert_eq!(
            rule_close(Life::Closed, Timestamp::MAX, own(Timestamp::MIN), day),
            Ok(CloseVerdict::Duplicate)
        );
    }

    #[test]
    fn a_close_of_a_closed_id_is_a_duplicate() {
        assert_eq!(
            rule_close(Life::Closed, at(0), own(at(5)), MAX),
            Ok(CloseVerdict::Duplicate)
        );
        assert_eq!(
            rule_close(Life::Closed, at(0), None::<OwnOpening<CallLine>>, MAX),
            Ok(CloseVerdict::Duplicate)
        );
    }

    #[test]
    fn a_close_of_an_unknown_id_stands_alone_only_with_its_own_opening() {
        assert_eq!(
            rule_close(Life::Unknown, OPENED, None::<OwnOpening<CallLine>>, MAX),
            Err(Refusal::Unmatched)
        );
        assert_eq!(
            rule_close(Life::Unknown, OPENED, own(OPENED), MAX),
            Ok(CloseVerdict::StandAlone(OwnOpening {
                at: OPENED,
                what: CallLine::Emergency999
            }))
        );
        assert_eq!(
            rule_close(Life::Unknown, OPENED, own(OPENED + ns(1)), MAX),
            Err(Refusal::NegativeDuration)
        );
    }

    #[test]
    fn an_own_opening_needs_both_fields() {
        assert_eq!(
            OwnOpening::from_fields(Some(at(7)), Some('x')),
            Some(OwnOpening {
                at: at(7),
                what: 'x'
            })
        );
        assert_eq!(OwnOpening::<char>::from_fields(Some(at(7)), None), None);
        assert_eq!(OwnOpening::from_fields(None, Some('x')), None);
    }

    #[test]
    fn refusals_name_the_event_kind() {
        let kind = EventKind::IncidentArrived;
        assert_eq!(Refusal::Unmatched.reject(kind), Reject::Unmatched(kind));
        assert_eq!(
            Refusal::NegativeDuration.reject(kind),
            Reject::NegativeDuration(kind)
        );
        assert_eq!(
            Refusal::ImplausibleDuration.reject(kind),
            Reject::ImplausibleDuration(kind)
        );
    }

    #[test]
    fn the_ledger_hands_back_the_opening_once() {
        let mut ledger: Ledger<&str> = Ledger::new(MAX);
        assert_eq!(ledger.open("A", OPENED, "BIR"), OpenVerdict::Open);
        assert_eq!(
            ledger.open("A", OPENED + ns(1), "COV"),
            OpenVerdict::Duplicate
        );
        // Too early: refused, and A stays open.
        assert_eq!(
            ledger.close("A", OPENED - ns(1), own(at(0)), ANSWERED),
            Err(Refusal::NegativeDuration)
        );
        // Too late: refused, and A stays open.
        assert_eq!(
            ledger.close("A", OPENED + MAX + ns(1), own(at(0)), ANSWERED),
            Err(Refusal::ImplausibleDuration)
        );
        assert_eq!(
            ledger.close("A", OPENED + ns(4), own(at(0)), ANSWERED),
            Ok(Closing::Opened {
                at: OPENED,
                data: "BIR"
            })
        );
        assert_eq!(
            ledger.close("A", OPENED + ns(9), own(at(0)), ANSWERED),
            Ok(Closing::Duplicate)
        );
        assert_eq!(
            ledger.open("A", OPENED + ns(9), "COV"),
            OpenVerdict::Duplicate
        );
    }

    #[test]
    fn the_ledger_remembers_a_stand_alone_close() {
        let mut ledger: Ledger<()> = Ledger::new(MAX);
        assert_eq!(
            ledger.close("B", OPENED, None::<OwnOpening<CallLine>>, ANSWERED),
            Err(Refusal::Unmatched)
        );
        assert_eq!(
            ledger.close("B", OPENED, own(OPENED - ns(3)), ANSWERED),
            Ok(Closing::StandAlone)
        );
        assert_eq!(
            ledger.close("B", OPENED + ns(1), own(at(0)), ANSWERED),
            Ok(Closing::Duplicate)
        );
        assert_eq!(ledger.open("B", OPENED + ns(2), ()), OpenVerdict::Duplicate);
    }

    #[test]
    fn the_ledger_ends_an_answered_call_once_and_nothing_else() {
        let mut ledger: Ledger<()> = Ledger::new(MAX);
        let answered_at = OPENED + ns(4);
        assert_eq!(ledger.open("A", OPENED, ()), OpenVerdict::Open);
        // Still waiting: not answered.
        assert_eq!(ledger.end("A", answered_at), Err(Refusal::Unmatched));
        let closed = ledger.close("A", answered_at, own(at(0)), ANSWERED);
        assert_eq!(
            closed,
            Ok(Closing::Opened {
                at: OPENED,
                data: ()
            })
        );
        // Before the answer: refused, and the handling goes on.
        assert_eq!(
            ledger.end("A", answered_at - ns(1)),
            Err(Refusal::NegativeDuration)
        );
        assert_eq!(
            ledger.end("A", answered_at + ns(6)),
            Ok(EndVerdict::End { handle: ns(6) })
        );
        assert_eq!(
            ledger.end("A", answered_at + ns(7)),
            Ok(EndVerdict::Duplicate)
        );
        // Abandoned, unknown, or an incident: nothing to end.
        let abandoned = ledger.close("B", OPENED, own(OPENED), CallOutcome::Abandoned);
        assert_eq!(abandoned, Ok(Closing::StandAlone));
        assert_eq!(ledger.end("B", OPENED), Err(Refusal::Unmatched));
        assert_eq!(ledger.end("Z", OPENED), Err(Refusal::Unmatched));
        let mut incidents: Ledger<()> = Ledger::new(MAX);
        let arrived = incidents.close("I", OPENED, own(OPENED), IncidentOutcome::Arrived);
        assert_eq!(arrived, Ok(Closing::StandAlone));
        assert_eq!(incidents.end("I", OPENED), Err(Refusal::Unmatched));
    }
}
