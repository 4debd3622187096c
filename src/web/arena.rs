//! The lean module's allocator: a bump arena over linear memory, emptied after each export.
//!
//! Every export of the lean module does one whole step (parse a stack, write an envelope)
//! and keeps nothing on the heap afterwards: what lives between calls is in flat statics.
//! So freeing is a no-op, growing the newest block extends it in place, and
//! [`reset`] gives everything back at once. ~200 bytes of code, against a free list's
//! 0.6 KB gzip, and linear memory stays at the largest single step's need.

use core::alloc::{GlobalAlloc, Layout};
use core::cell::Cell;

/// A bump allocator; single-threaded wasm only (the lean module is built without atomics).
pub struct Arena {
    /// The first free byte (0: not yet initialized).
    top: Cell<usize>,
    /// Where the newest block starts (for in-place growth and popping).
    last: Cell<usize>,
}

// SAFETY: wasm32 without atomics has one thread.
unsafe impl Sync for Arena {}

impl Arena {
    pub const fn new() -> Arena {
        Arena { top: Cell::new(0), last: Cell::new(0) }
    }

    fn base() -> usize {
        extern "C" {
            static __heap_base: u8;
        }
        // Only the symbol's address is taken (no read).
        core::ptr::addr_of!(__heap_base) as usize
    }

    /// Makes sure memory reaches `end`; false when it cannot grow.
    fn reach(end: usize) -> bool {
        let have = core::arch::wasm32::memory_size(0) * 65_536;
        if end <= have {
            return true;
        }
        let pages = (end - have).div_ceil(65_536);
        core::arch::wasm32::memory_grow(0, pages) != usize::MAX
    }

    fn bump(&self, layout: Layout) -> *mut u8 {
        let top = match self.top.get() {
            0 => Self::base(),
            t => t,
        };
        let start = (top + layout.align() - 1) & !(layout.align() - 1);
        let Some(end) = start.checked_add(layout.size()) else { return core::ptr::null_mut() };
        if !Self::reach(end) {
            return core::ptr::null_mut();
        }
        self.last.set(start);
        self.top.set(end);
        start as *mut u8
    }

    /// Frees everything allocated so far.
    pub fn reset(&self) {
        self.top.set(0);
        self.last.set(0);
    }
}

unsafe impl GlobalAlloc for Arena {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        self.bump(layout)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        // The newest block can be given back (a Vec's old buffer after growing elsewhere).
        if ptr as usize == self.last.get() {
            self.top.set(self.last.get());
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // The newest block grows where it is: a writer's buffer is always the newest block.
        if ptr as usize == self.last.get() {
            let Some(end) = (ptr as usize).checked_add(new_size) else { return core::ptr::null_mut() };
            if Self::reach(end) {
                self.top.set(end);
                return ptr;
            }
            return core::ptr::null_mut();
        }
        let Ok(new_layout) = Layout::from_size_align(new_size, layout.align()) else { return core::ptr::null_mut() };
        let new = self.bump(new_layout);
        if !new.is_null() {
            // SAFETY: both blocks are live and at least min(old, new) bytes long.
            unsafe { core::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size)) };
        }
        new
    }
}
