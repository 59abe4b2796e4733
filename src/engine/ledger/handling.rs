//! A call's handling (schema v1.1): answered → ended, by the rules of the module above.

use super::Refusal;
use crate::model::{CallOutcome, IncidentOutcome};
use crate::time::{Span, Timestamp};

/// What is known of a call's handling before a `call_ended`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Handling {
    /// Unknown, still waiting, or abandoned: no handler took it.
    NotAnswered,
    /// Answered at `at`, handling not ended yet.
    Answered { at: Timestamp },
    /// Its handling has ended already.
    Ended,
}

/// A closing event's outcome, as a later `call_ended` sees it: only an answered call has
/// a handling to end.
pub(crate) trait Outcome: Copy {
    /// The handling left by a closing event with this outcome at `closed`.
    fn handling(self, closed: Timestamp) -> Handling;
}

impl Outcome for CallOutcome {
    fn handling(self, closed: Timestamp) -> Handling {
        match self {
            CallOutcome::Answered => Handling::Answered { at: closed },
            CallOutcome::Abandoned => Handling::NotAnswered,
        }
    }
}

impl Outcome for IncidentOutcome {
    fn handling(self, _closed: Timestamp) -> Handling {
        Handling::NotAnswered
    }
}

/// What an accepted `call_ended` does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EndVerdict {
    /// Ends the handling: its handle time is the end − the answer.
    End { handle: Span },
    /// Ended already: changes nothing.
    Duplicate,
}

/// A `call_ended` at `at` for a call in state `handling`.
pub(crate) fn rule_end(handling: Handling, at: Timestamp) -> Result<EndVerdict, Refusal> {
    match handling {
        Handling::Ended => Ok(EndVerdict::Duplicate),
        Handling::NotAnswered => Err(Refusal::Unmatched),
        Handling::Answered { at: answered } if at < answered => Err(Refusal::NegativeDuration),
        Handling::Answered { at: answered } => Ok(EndVerdict::End {
            handle: at - answered,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPENED: Timestamp = Timestamp::from_nanos(1_000);

    fn at(nanos: i64) -> Timestamp {
        Timestamp::from_nanos(nanos)
    }

    fn ns(nanos: i64) -> Span {
        Span::from_nanos(nanos)
    }

    #[test]
    fn a_call_end_needs_an_answer_at_or_before_it_and_comes_once() {
        let answered = Handling::Answered { at: OPENED };
        assert_eq!(
            rule_end(answered, OPENED + ns(240)),
            Ok(EndVerdict::End { handle: ns(240) })
        );
        assert_eq!(
            rule_end(answered, OPENED),
            Ok(EndVerdict::End { handle: ns(0) })
        );
        assert_eq!(
            rule_end(answered, OPENED - ns(1)),
            Err(Refusal::NegativeDuration)
        );
        assert_eq!(
            rule_end(Handling::NotAnswered, OPENED),
            Err(Refusal::Unmatched)
        );
        // Once ended, any later end is a duplicate, even one before the answer.
        assert_eq!(rule_end(Handling::Ended, at(0)), Ok(EndVerdict::Duplicate));
    }
}
