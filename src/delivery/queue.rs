//! A bounded queue of pending envelopes: at most so many, of at most so many bytes in all;
//! when full, the oldest that can go goes (and is handed back, so its items are counted); one
//! envelope per event id.
//!
//! Oldest-first, because the newest error is the one the user just saw, and the one a
//! developer will look for. Entries whose request is in flight cannot be taken back from the
//! network, so they are never evicted; a new entry that only fits by evicting those is refused.

use crate::protocol::EventId;

/// What the queue needs to know of an entry.
pub trait Pending {
    /// Bytes it holds.
    fn size(&self) -> usize;
    /// Its event id, when it carries an event.
    fn event_id(&self) -> Option<EventId>;
    /// Whether it may be evicted (not while its request is in flight).
    fn evictable(&self) -> bool {
        true
    }
}

/// The result of [`Queue::push`].
#[derive(Debug, PartialEq, Eq)]
pub enum Push<T> {
    /// Queued; these older entries were evicted to make room (oldest first).
    Queued(Vec<T>),
    /// Not queued: an entry with the same event id is already pending.
    Duplicate(T),
    /// Not queued: it is larger than the whole queue, or only in-flight entries are left to
    /// evict.
    Full(T),
}

/// Pending entries, oldest first.
#[derive(Debug)]
pub struct Queue<T> {
    items: Vec<T>,
    max_len: usize,
    max_bytes: usize,
}

impl<T: Pending> Queue<T> {
    /// An empty queue holding at most `max_len` entries of at most `max_bytes` in all.
    pub fn new(max_len: usize, max_bytes: usize) -> Self {
        Queue { items: Vec::new(), max_len, max_bytes }
    }

    /// Adds `item` at the back, evicting the oldest evictable entries while it does not fit.
    pub fn push(&mut self, item: T) -> Push<T> {
        if item.event_id().is_some_and(|id| self.contains(id)) {
            return Push::Duplicate(item);
        }
        let size = item.size();
        if self.max_len == 0 || size > self.max_bytes {
            return Push::Full(item);
        }
        // Decide first, evict after: a refused entry must not cost the queue anything.
        let (mut len, mut bytes) = (self.items.len(), self.bytes());
        let mut evict = Vec::new();
        for (i, old) in self.items.iter().enumerate() {
            if len < self.max_len && bytes.saturating_add(size) <= self.max_bytes {
                break;
            }
            if old.evictable() {
                evict.push(i);
                len -= 1;
                bytes -= old.size();
            }
        }
        if len >= self.max_len || bytes.saturating_add(size) > self.max_bytes {
            return Push::Full(item);
        }
        let mut evicted = Vec::with_capacity(evict.len());
        for i in evict.into_iter().rev() {
            evicted.push(self.items.remove(i));
        }
        evicted.reverse();
        self.items.push(item);
        Push::Queued(evicted)
    }

    /// Puts `item` back at the front (it is older than everything queued), without evicting:
    /// when it does not fit it is handed back.
    pub fn push_front(&mut self, item: T) -> Result<(), T> {
        let duplicate = item.event_id().is_some_and(|id| self.contains(id));
        if duplicate || !self.has_room(item.size()) {
            return Err(item);
        }
        self.items.insert(0, item);
        Ok(())
    }

    /// Whether an entry of `size` bytes fits without evicting anything.
    pub fn has_room(&self, size: usize) -> bool {
        self.items.len() < self.max_len && self.bytes().saturating_add(size) <= self.max_bytes
    }

    /// Whether an entry with this event id is queued.
    pub fn contains(&self, id: EventId) -> bool {
        self.items.iter().any(|i| i.event_id() == Some(id))
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether the queue is empty.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Bytes held. Summed on demand: the queue holds a few dozen entries, and entries may
    /// shrink in place (rate-limited items taken out).
    pub fn bytes(&self) -> usize {
        self.items.iter().fold(0usize, |sum, i| sum.saturating_add(i.size()))
    }

    /// The entries, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.items.iter()
    }

    /// The entry at `index` (0 is the oldest).
    pub fn get_mut(&mut self, index: usize) -> Option<&mut T> {
        self.items.get_mut(index)
    }

    /// The entries, oldest first, to change in place.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut T> {
        self.items.iter_mut()
    }

    /// The oldest entry, taken out.
    pub fn pop_front(&mut self) -> Option<T> {
        (!self.items.is_empty()).then(|| self.items.remove(0))
    }

    /// Takes out the first entry that `pred` picks.
    pub fn take_first(&mut self, pred: impl FnMut(&T) -> bool) -> Option<T> {
        let i = self.items.iter().position(pred)?;
        Some(self.items.remove(i))
    }

    /// Takes out every entry that `pred` picks, oldest first.
    pub fn take_all(&mut self, mut pred: impl FnMut(&T) -> bool) -> Vec<T> {
        let mut taken = Vec::new();
        let mut i = 0;
        while i < self.items.len() {
            if self.items.get(i).is_some_and(&mut pred) {
                taken.push(self.items.remove(i));
            } else {
                i += 1;
            }
        }
        taken
    }
}

/// Event ids delivered lately, so that an envelope coming back (from the offline store, or
/// submitted twice) is not delivered twice. A ring: the oldest id is forgotten first.
#[derive(Clone, Debug)]
pub struct Recent {
    ids: Vec<EventId>,
    next: usize,
    cap: usize,
}

impl Recent {
    /// Remembers up to `cap` ids.
    pub fn new(cap: usize) -> Self {
        Recent { ids: Vec::new(), next: 0, cap }
    }

    /// Remembers `id`.
    pub fn remember(&mut self, id: EventId) {
        if self.cap == 0 || self.contains(id) {
            return;
        }
        if self.ids.len() < self.cap {
            self.ids.push(id);
        } else if let Some(slot) = self.ids.get_mut(self.next) {
            *slot = id;
        }
        self.next = (self.next + 1) % self.cap;
    }

    /// Whether `id` was delivered lately.
    pub fn contains(&self, id: EventId) -> bool {
        self.ids.contains(&id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Eq)]
    struct E {
        n: u8,
        size: usize,
        id: Option<u8>,
        pinned: bool,
    }

    impl Pending for E {
        fn size(&self) -> usize {
            self.size
        }
        fn event_id(&self) -> Option<EventId> {
            self.id.map(|b| EventId([b; 16]))
        }
        fn evictable(&self) -> bool {
            !self.pinned
        }
    }

    fn e(n: u8, size: usize) -> E {
        E { n, size, id: Some(n), pinned: false }
    }

    fn names(q: &Queue<E>) -> Vec<u8> {
        q.iter().map(|e| e.n).collect()
    }

    fn evicted(p: Push<E>) -> Vec<u8> {
        match p {
            Push::Queued(v) => v.into_iter().map(|e| e.n).collect(),
            other => panic!("not queued: {other:?}"),
        }
    }

    #[test]
    fn count_bound_drops_the_oldest() {
        let mut q = Queue::new(3, 1000);
        for n in 1..=3 {
            assert_eq!(evicted(q.push(e(n, 10))), [] as [u8; 0]);
        }
        assert_eq!(evicted(q.push(e(4, 10))), [1]);
        assert_eq!(evicted(q.push(e(5, 10))), [2]);
        assert_eq!(names(&q), [3, 4, 5]);
    }

    #[test]
    fn byte_bound_drops_as_many_as_needed() {
        let mut q = Queue::new(10, 100);
        q.push(e(1, 40));
        q.push(e(2, 40));
        q.push(e(3, 10));
        assert_eq!(evicted(q.push(e(4, 60))), [1, 2]);
        assert_eq!(names(&q), [3, 4]);
        assert_eq!(q.bytes(), 70);
        assert!(matches!(q.push(e(5, 101)), Push::Full(_)), "larger than the whole queue");
        assert_eq!(names(&q), [3, 4]);
    }

    #[test]
    fn in_flight_entries_are_never_evicted() {
        let mut q = Queue::new(2, 100);
        q.push(E { pinned: true, ..e(1, 10) });
        q.push(e(2, 10));
        assert_eq!(evicted(q.push(e(3, 10))), [2]);
        q.iter_mut().for_each(|x| x.pinned = true);
        assert!(matches!(q.push(e(4, 10)), Push::Full(_)));
        assert_eq!(names(&q), [1, 3], "a refused push evicts nothing");
    }

    #[test]
    fn one_entry_per_event_id() {
        let mut q = Queue::new(10, 1000);
        q.push(e(1, 10));
        assert!(matches!(q.push(e(1, 10)), Push::Duplicate(_)));
        assert_eq!(evicted(q.push(E { id: None, ..e(9, 10) })), [] as [u8; 0]);
        assert_eq!(evicted(q.push(E { id: None, ..e(9, 10) })), [] as [u8; 0], "no id: no dedupe");
        assert_eq!(q.len(), 3);
        assert_eq!(q.push_front(e(1, 10)), Err(e(1, 10)));
    }

    #[test]
    fn push_front_never_evicts() {
        let mut q = Queue::new(2, 100);
        q.push(e(1, 10));
        assert_eq!(q.push_front(e(0, 10)), Ok(()));
        assert_eq!(q.push_front(e(7, 10)), Err(e(7, 10)));
        assert_eq!(names(&q), [0, 1]);
        assert_eq!(q.pop_front().map(|x| x.n), Some(0));
        assert_eq!(q.take_first(|x| x.n == 1).map(|x| x.n), Some(1));
        assert!(q.is_empty());
    }

    #[test]
    fn take_all_keeps_order() {
        let mut q = Queue::new(10, 1000);
        for n in 1..=6 {
            q.push(e(n, 1));
        }
        let odd: Vec<u8> = q.take_all(|x| x.n % 2 == 1).into_iter().map(|x| x.n).collect();
        assert_eq!(odd, [1, 3, 5]);
        assert_eq!(names(&q), [2, 4, 6]);
    }

    #[test]
    fn recent_ids_are_a_ring() {
        let mut r = Recent::new(3);
        for b in 1..=4u8 {
            r.remember(EventId([b; 16]));
        }
        assert!(!r.contains(EventId([1; 16])));
        assert!((2..=4u8).all(|b| r.contains(EventId([b; 16]))));
        r.remember(EventId([4; 16]));
        r.remember(EventId([5; 16]));
        assert!(!r.contains(EventId([2; 16])) && r.contains(EventId([3; 16])));
        let mut none = Recent::new(0);
        none.remember(EventId([1; 16]));
        assert!(!none.contains(EventId([1; 16])));
    }
}
