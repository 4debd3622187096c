//! Free lists for small blocks in front of a general allocator. A capture makes and drops
//! some hundred small strings and vectors (a frame's function, file and path, JSON keys'
//! buffers); taking a block from a list of freed blocks of its size and putting it back is a
//! few loads and stores, where the general allocator searches and merges gaps each time.
//! Freed small blocks stay in their list (memory is bounded by the peak of live small blocks).
//!
//! Not thread-safe: the npm module's single-threaded wasm uses it as its global allocator.

use std::alloc::{GlobalAlloc, Layout};
use std::cell::Cell;
use std::ptr;

/// Block sizes are multiples of this, up to [`LARGEST`].
const STEP: usize = 16;
/// The largest size served from the lists; larger requests go to the inner allocator.
const LARGEST: usize = 256;
const CLASSES: usize = LARGEST / STEP;
/// Blocks are asked of the inner allocator with this alignment; requests for more go there.
const ALIGN: usize = 8;

/// A general allocator with free lists for blocks of up to [`LARGEST`] bytes.
pub struct SmallAlloc<A> {
    inner: A,
    /// Head of each size class's list of freed blocks; each block's first word points at
    /// the next.
    heads: [Cell<*mut u8>; CLASSES],
}

impl<A> SmallAlloc<A> {
    pub const fn new(inner: A) -> Self {
        SmallAlloc { inner, heads: [const { Cell::new(ptr::null_mut()) }; CLASSES] }
    }
}

/// The size class of a request the lists serve, or `None`.
fn class(layout: Layout) -> Option<usize> {
    (layout.size() <= LARGEST && layout.align() <= ALIGN).then(|| layout.size().saturating_sub(1) / STEP)
}

/// The layout of a block of class `c` (`c < CLASSES`).
fn block(c: usize) -> Layout {
    // SAFETY: the size is a non-zero multiple of 16 up to 256 and the alignment a power of two.
    unsafe { Layout::from_size_align_unchecked((c + 1) * STEP, ALIGN) }
}

// SAFETY: blocks come from `inner` with at least the requested size and alignment, and a
// freed block is handed out again only for a request of its own size class.
unsafe impl<A: GlobalAlloc> GlobalAlloc for SmallAlloc<A> {
    #[inline(never)]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let Some(c) = class(layout) else { return self.inner.alloc(layout) };
        let Some(head) = self.heads.get(c) else { return self.inner.alloc(layout) };
        let p = head.get();
        if p.is_null() {
            return self.inner.alloc(block(c));
        }
        head.set(p.cast::<*mut u8>().read());
        p
    }

    #[inline(never)]
    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        match class(layout).and_then(|c| self.heads.get(c)) {
            Some(head) => {
                p.cast::<*mut u8>().write(head.get());
                head.set(p);
            }
            None => self.inner.dealloc(p, layout),
        }
    }

    #[inline(never)]
    unsafe fn realloc(&self, p: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let new_layout = Layout::from_size_align_unchecked(new_size, layout.align());
        match (class(layout), class(new_layout)) {
            (None, None) => self.inner.realloc(p, layout, new_size),
            (Some(a), Some(b)) if a == b => p,
            _ => {
                let q = self.alloc(new_layout);
                if !q.is_null() {
                    ptr::copy_nonoverlapping(p, q, layout.size().min(new_size));
                    self.dealloc(p, layout);
                }
                q
            }
        }
    }
}

// SAFETY: only the single-threaded wasm build shares it (as its global allocator).
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
unsafe impl<A: Sync> Sync for SmallAlloc<A> {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::alloc::System;

    fn layout(size: usize, align: usize) -> Layout {
        Layout::from_size_align(size, align).expect("layout")
    }

    #[test]
    fn classes_cover_sizes_up_to_the_largest() {
        assert_eq!(class(layout(1, 1)), Some(0));
        assert_eq!(class(layout(16, 8)), Some(0));
        assert_eq!(class(layout(17, 1)), Some(1));
        assert_eq!(class(layout(256, 8)), Some(CLASSES - 1));
        assert_eq!(class(layout(257, 1)), None);
        assert_eq!(class(layout(8, 16)), None, "stricter alignment goes to the inner allocator");
        assert_eq!(class(layout(0, 1)), Some(0));
    }

    #[test]
    fn a_freed_block_is_reused_for_its_class_only() {
        let a = SmallAlloc::new(System);
        unsafe {
            let l = layout(20, 4);
            let p = a.alloc(l);
            assert!(!p.is_null());
            a.dealloc(p, l);
            let other = a.alloc(layout(40, 4));
            assert_ne!(other, p, "another class does not get the block");
            let same = a.alloc(layout(32, 8));
            assert_eq!(same, p, "a request of the same class does");
            a.dealloc(same, layout(32, 8));
            a.dealloc(other, layout(40, 4));
        }
    }

    #[test]
    fn blocks_keep_their_bytes_and_realloc_moves_across_classes() {
        let a = SmallAlloc::new(System);
        unsafe {
            // Many live blocks of mixed sizes, each filled with its own byte, freed in a
            // different order than made, then made again: no block is handed out twice.
            let mut live = Vec::new();
            for round in 0..3u8 {
                for i in 0..200usize {
                    let size = 1 + (i * 37 + usize::from(round)) % 300;
                    let l = layout(size, [1, 2, 4, 8][i % 4]);
                    let p = a.alloc(l);
                    assert!(!p.is_null());
                    assert_eq!(p as usize % l.align(), 0);
                    ptr::write_bytes(p, i as u8, size);
                    live.push((p, l, i as u8));
                }
                for (p, l, v) in &live {
                    for k in 0..l.size() {
                        assert_eq!(*p.add(k), *v, "block of {} bytes was overwritten", l.size());
                    }
                }
                // Free every other one, then grow and shrink the rest across classes.
                let mut kept = Vec::new();
                for (n, (p, l, v)) in live.drain(..).enumerate() {
                    if n % 2 == 0 {
                        a.dealloc(p, l);
                        continue;
                    }
                    let new_size = if n % 3 == 0 { l.size() * 3 } else { l.size().div_ceil(2) };
                    let q = a.realloc(p, l, new_size);
                    assert!(!q.is_null());
                    for k in 0..l.size().min(new_size) {
                        assert_eq!(*q.add(k), v, "realloc kept the bytes");
                    }
                    let nl = layout(new_size, l.align());
                    ptr::write_bytes(q, v, new_size);
                    kept.push((q, nl, v));
                }
                live = kept;
            }
            for (p, l, _) in live {
                a.dealloc(p, l);
            }
        }
    }
}
