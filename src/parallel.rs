//! How parallel work is handed out to threads.

use rayon::iter::{IndexedParallelIterator, MaxLen};

/// The most items a thread works through without offering the rest of its share to others.
const SHARE: usize = 8;

/// `items`, handed to threads at most [`SHARE`] at a time. Rayon splits work further only
/// when a thread steals part of it: without a bound, the last share of the cards read, of
/// the words weighed for search or of the pages drawn was worked through by one thread
/// while the other waited.
pub fn in_small_shares<I: IndexedParallelIterator>(items: I) -> MaxLen<I> {
    items.with_max_len(SHARE)
}
