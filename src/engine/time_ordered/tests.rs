//! The chunked store against the plainest model of it: a `Vec` kept sorted by time, each
//! record inserted after every record at or before its time.

use proptest::prelude::*;

use super::{Stamped, TimeOrdered};
use crate::time::Timestamp;

/// A record: its time and the order it was inserted in (to see ties kept in that order).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Record {
    at: i64,
    inserted: usize,
}

impl Stamped for Record {
    fn at(&self) -> Timestamp {
        Timestamp::from_nanos(self.at)
    }
}

#[derive(Debug, Clone)]
enum Step {
    Insert(i64),
    Forget(i64),
}

fn steps() -> impl Strategy<Value = Vec<Step>> {
    // Times from a small range so that ties and inserts before the newest are common.
    let step = prop_oneof![
        8 => (0i64..60).prop_map(Step::Insert),
        1 => (0i64..60).prop_map(Step::Forget),
    ];
    prop::collection::vec(step, 0..300)
}

/// How many records `store` holds.
fn held<const CHUNK: usize>(store: &TimeOrdered<Record, CHUNK>) -> usize {
    store.chunks.iter().map(Vec::len).sum()
}

/// The model's records after `from`.
fn model_after(model: &[Record], from: i64) -> Vec<Record> {
    model.iter().filter(|r| r.at > from).copied().collect()
}

/// Runs `steps` on a store of chunks of `CHUNK` and on the model, comparing every query
/// after each step.
fn check<const CHUNK: usize>(steps: &[Step]) -> Result<(), TestCaseError> {
    let mut store: TimeOrdered<Record, CHUNK> = TimeOrdered::default();
    let mut model: Vec<Record> = Vec::new();
    for (inserted, step) in steps.iter().enumerate() {
        match *step {
            Step::Insert(at) => {
                let record = Record { at, inserted };
                store.insert(record);
                let place = model.partition_point(|r| r.at <= at);
                model.insert(place, record);
            }
            Step::Forget(cutoff) => {
                store.forget_until(Timestamp::from_nanos(cutoff));
                model.retain(|r| r.at > cutoff);
            }
        }
        prop_assert_eq!(held(&store), model.len());
        prop_assert!(
            store
                .chunks
                .iter()
                .all(|c| !c.is_empty() && c.len() <= CHUNK.max(1))
        );
        for from in [-1, 0, 17, 30, 59] {
            let held: Vec<Record> = store.after(Timestamp::from_nanos(from)).copied().collect();
            prop_assert_eq!(held, model_after(&model, from));
            let latest = store
                .latest_at_or_before(Timestamp::from_nanos(from))
                .copied();
            prop_assert_eq!(latest, model.iter().rfind(|r| r.at <= from).copied());
        }
    }
    Ok(())
}

proptest! {
    #[test]
    fn chunks_of_one_hold_what_a_sorted_list_holds(steps in steps()) {
        check::<1>(&steps)?;
    }

    #[test]
    fn chunks_of_four_hold_what_a_sorted_list_holds(steps in steps()) {
        check::<4>(&steps)?;
    }

    #[test]
    fn chunks_of_a_thousand_hold_what_a_sorted_list_holds(steps in steps()) {
        check::<1024>(&steps)?;
    }
}

#[test]
fn a_full_chunk_splits_when_a_record_goes_into_it() {
    let mut store: TimeOrdered<Record, 4> = TimeOrdered::default();
    for (inserted, at) in [10, 20, 30, 40, 50].into_iter().enumerate() {
        store.insert(Record { at, inserted });
    }
    // [10 20 30 40] [50]: 15 goes into the full first chunk, which splits.
    store.insert(Record {
        at: 15,
        inserted: 5,
    });
    let sizes: Vec<usize> = store.chunks.iter().map(Vec::len).collect();
    assert_eq!(sizes, [3, 2, 1]);
    let times: Vec<i64> = store.after(Timestamp::MIN).map(|r| r.at).collect();
    assert_eq!(times, [10, 15, 20, 30, 40, 50]);
}

#[test]
fn forgetting_frees_whole_chunks_and_trims_the_oldest_left() {
    let mut store: TimeOrdered<Record, 4> = TimeOrdered::default();
    for (inserted, at) in (0..10).enumerate() {
        store.insert(Record { at, inserted });
    }
    // [0 1 2 3] [4 5 6 7] [8 9]: forgetting up to 5 drops the first and trims the second.
    store.forget_until(Timestamp::from_nanos(5));
    let sizes: Vec<usize> = store.chunks.iter().map(Vec::len).collect();
    assert_eq!(sizes, [2, 2]);
    assert_eq!(held(&store), 4);
    assert_eq!(store.latest_at_or_before(Timestamp::from_nanos(5)), None);
}
