//! Keys kept in order, with counting: how many keys lie below a bound, in a time that does
//! not grow with the keys one by one.
//!
//! The keys sit in sorted blocks of at most [`BLOCK`] keys each (a two-level B-tree). An
//! insertion or removal moves at most a block's keys; counting the keys below a bound is
//! a binary search over the blocks, one inside a block, and a sum of the lengths of the
//! blocks before it (a million keys are about two thousand blocks).
//!
//! Bounds are given as predicates that hold for a prefix of the order (`|k| k.0 < t`), so
//! that a key can be compared by its time alone.

use std::cmp::Ordering;

/// The most keys a block holds.
const BLOCK: usize = 512;

/// Unique keys in order. No block is ever empty but a lone one, kept so that a set that
/// empties and fills again (a quiet area's open calls) does not allocate each time.
#[derive(Debug, Clone)]
pub(crate) struct Ordered<K> {
    blocks: Vec<Vec<K>>,
    len: usize,
}

impl<K> Default for Ordered<K> {
    fn default() -> Self {
        Ordered {
            blocks: Vec::new(),
            len: 0,
        }
    }
}

impl<K: Ord> Ordered<K> {
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    pub(crate) fn first(&self) -> Option<&K> {
        self.blocks.first().and_then(|block| block.first())
    }

    /// Adds `key`, which must not be there already.
    pub(crate) fn insert(&mut self, key: K) {
        self.len += 1;
        let Some(last) = self.blocks.len().checked_sub(1) else {
            self.blocks.push(vec![key]);
            return;
        };
        let tail = &mut self.blocks[last];
        if tail.last().is_none_or(|k| *k < key) {
            // Keys mostly arrive in order: after every other key, no search.
            if tail.len() < BLOCK {
                tail.push(key);
            } else {
                self.blocks.push(vec![key]); // rather than halve a full block
            }
            return;
        }
        // The first block whose last key is not below `key`, or the last block.
        let b = self
            .blocks
            .partition_point(|block| block.last().is_some_and(|k| *k < key))
            .min(last);
        let block = &mut self.blocks[b];
        let at = block.partition_point(|k| *k < key);
        if block.len() < BLOCK {
            block.insert(at, key);
        } else {
            let mut upper = block.split_off(BLOCK / 2);
            if at <= BLOCK / 2 {
                block.insert(at, key);
            } else {
                upper.insert(at - BLOCK / 2, key);
            }
            self.blocks.insert(b + 1, upper);
        }
    }

    /// Takes out the key for which `compare` (the key against the one sought) is `Equal`.
    pub(crate) fn remove(&mut self, compare: impl Fn(&K) -> Ordering) -> Option<K> {
        let b = match self.blocks.len() {
            1 => 0, // most sets are small: no search over blocks
            _ => self.blocks.partition_point(|block| {
                block.last().is_some_and(|k| compare(k) == Ordering::Less)
            }),
        };
        let block = self.blocks.get_mut(b)?;
        let at = block.binary_search_by(&compare).ok()?;
        let key = block.remove(at);
        if block.is_empty() && self.blocks.len() > 1 {
            self.blocks.remove(b);
        }
        self.len -= 1;
        Some(key)
    }

    /// How many keys satisfy `below`, which holds for a prefix of the order.
    pub(crate) fn count_below(&self, below: impl Fn(&K) -> bool) -> usize {
        let b = self.first_block_not_below(&below);
        let Some(block) = self.blocks.get(b) else {
            return self.len;
        };
        let before: usize = if b <= self.blocks.len() / 2 {
            self.blocks[..b].iter().map(Vec::len).sum()
        } else {
            self.len - self.blocks[b..].iter().map(Vec::len).sum::<usize>()
        };
        before + block.partition_point(|k| below(k))
    }

    /// The keys after those satisfying `below` (a prefix of the order), in order.
    pub(crate) fn iter_from(&self, below: impl Fn(&K) -> bool) -> impl Iterator<Item = &K> {
        let b = self.first_block_not_below(&below);
        let blocks = self.blocks.get(b..).unwrap_or_default();
        let skip = blocks
            .first()
            .map_or(0, |block| block.partition_point(|k| below(k)));
        blocks.iter().flatten().skip(skip)
    }

    /// Takes out the keys satisfying `below` (a prefix of the order), handing each to `take`.
    pub(crate) fn drain_below(&mut self, below: impl Fn(&K) -> bool, mut take: impl FnMut(K)) {
        let b = self.first_block_not_below(&below);
        let partial = self
            .blocks
            .get(b)
            .map_or(0, |block| block.partition_point(|k| below(k)));
        for block in self.blocks.drain(..b) {
            self.len -= block.len();
            block.into_iter().for_each(&mut take);
        }
        if let Some(block) = self.blocks.first_mut() {
            self.len -= partial;
            block.drain(..partial).for_each(&mut take);
            if block.is_empty() && self.blocks.len() > 1 {
                self.blocks.remove(0);
            }
        }
    }

    fn first_block_not_below(&self, below: &impl Fn(&K) -> bool) -> usize {
        self.blocks
            .partition_point(|block| block.last().is_some_and(below))
    }

    #[cfg(test)]
    fn blocks(&self) -> usize {
        self.blocks.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(set: &Ordered<u32>) -> Vec<u32> {
        set.iter_from(|_| false).copied().collect()
    }

    /// 0, 3, 6, … in a scrambled order (7919 is prime to 3000).
    fn scrambled(n: u32) -> Ordered<u32> {
        let mut set = Ordered::default();
        for i in 0..n {
            set.insert((i * 7919 % n) * 3);
        }
        set
    }

    #[test]
    fn keys_come_out_in_order_whatever_the_order_in() {
        let set = scrambled(3000);
        assert_eq!(set.len(), 3000);
        assert_eq!(keys(&set), (0..3000).map(|i| i * 3).collect::<Vec<_>>());
        assert!(set.blocks() >= 3000 / BLOCK);
        assert_eq!(set.first(), Some(&0));
    }

    #[test]
    fn in_order_arrivals_fill_whole_blocks() {
        let mut set = Ordered::default();
        for i in 0..u32::try_from(3 * BLOCK).unwrap() {
            set.insert(i);
        }
        assert_eq!(set.blocks(), 3);
    }

    #[test]
    fn counting_below_a_bound() {
        let set = scrambled(3000);
        // Keys below 3000 are 0, 3, …, 2997: 1000 of them; ≤ 3000 one more.
        assert_eq!(set.count_below(|k| *k < 3000), 1000);
        assert_eq!(set.count_below(|k| *k <= 3000), 1001);
        assert_eq!(set.count_below(|_| false), 0);
        assert_eq!(set.count_below(|_| true), 3000);
        assert_eq!(set.count_below(|k| *k < 8000), 2667); // 0 … 7998
    }

    #[test]
    fn iterating_from_a_bound() {
        let set = scrambled(3000);
        let from: Vec<u32> = set.iter_from(|k| *k < 4000).take(3).copied().collect();
        assert_eq!(from, [4002, 4005, 4008]);
        assert_eq!(set.iter_from(|_| true).next(), None);
    }

    #[test]
    fn removing_keys() {
        let mut set = scrambled(3000);
        assert_eq!(set.remove(|k| k.cmp(&4)), None);
        assert_eq!(set.remove(|k| k.cmp(&3)), Some(3));
        assert_eq!(set.remove(|k| k.cmp(&3)), None);
        for i in (0..3000).filter(|i| i % 2 == 0) {
            assert_eq!(set.remove(|k| k.cmp(&(i * 3))), Some(i * 3));
        }
        assert_eq!(set.len(), 1499);
        assert_eq!(set.first(), Some(&9));
        assert_eq!(set.count_below(|k| *k < 100), 16); // 9, 15, …, 99
        for i in (0..3000).filter(|i| i % 2 == 1 && *i != 1) {
            set.remove(|k| k.cmp(&(i * 3)));
        }
        assert_eq!((set.len(), set.blocks()), (0, 1), "the last block is kept");
        assert_eq!(set.first(), None);
        assert_eq!(set.count_below(|_| true), 0);
        assert_eq!(set.remove(|k| k.cmp(&3)), None);
        set.insert(7);
        assert_eq!((keys(&set), set.blocks()), (vec![7], 1));
    }

    #[test]
    fn draining_a_prefix() {
        let mut set = scrambled(3000);
        let mut taken = Vec::new();
        set.drain_below(|k| *k < 2000, |k| taken.push(k));
        assert_eq!(taken.len(), 667); // 0 … 1998
        assert_eq!(taken.last(), Some(&1998));
        assert_eq!(set.len(), 3000 - 667);
        assert_eq!(set.first(), Some(&2001));
        assert_eq!(set.count_below(|k| *k < 2004), 1);
        set.drain_below(|_| true, |_| {});
        assert_eq!(set.len(), 0);
        assert_eq!(set.iter_from(|_| false).next(), None);
        set.insert(5);
        assert_eq!(keys(&set), [5]);
    }
}
