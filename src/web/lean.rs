//! The lean npm module's exports (issue 25): each does one whole step over bytes in linear
//! memory and empties the arena ([`super::arena`]) before the next.

use crate::stack::{write_frames, FrameBounds};
use crate::write::Out;
use core::cell::Cell;

#[global_allocator]
static ARENA: super::arena::Arena = super::arena::Arena::new();

struct Io {
    /// The input buffer the glue writes into (`input`), and its length.
    input: Cell<(usize, usize)>,
    /// The last output (pointer, length).
    out: Cell<(usize, usize)>,
}

// SAFETY: single-threaded wasm.
unsafe impl Sync for Io {}

static IO: Io = Io { input: Cell::new((0, 0)), out: Cell::new((0, 0)) };

/// Empties the arena and makes room for `len` input bytes; returns where (0: no memory).
#[no_mangle]
pub extern "C" fn input(len: usize) -> *mut u8 {
    ARENA.reset();
    let mut v: Vec<u8> = Vec::new();
    if v.try_reserve_exact(len).is_err() {
        return core::ptr::null_mut();
    }
    let p = v.as_mut_ptr();
    core::mem::forget(v);
    IO.input.set((p as usize, len));
    p
}

fn input_bytes(len: usize) -> &'static [u8] {
    let (p, cap) = IO.input.get();
    if p == 0 || len > cap {
        return b"";
    }
    // SAFETY: `input` reserved `cap` bytes at `p`, which the glue filled; nothing else has
    // been allocated over them since (the arena only resets in `input`).
    unsafe { core::slice::from_raw_parts(p as *const u8, len) }
}

fn finish(out: Out) -> usize {
    let bytes = out.into_bytes();
    let (p, n) = (bytes.as_ptr() as usize, bytes.len());
    core::mem::forget(bytes);
    IO.out.set((p, n));
    n
}

/// Where the last output is.
#[no_mangle]
pub extern "C" fn out() -> *const u8 {
    IO.out.get().0 as *const u8
}

/// `parseStack`: the `len` input bytes (a stack) as a JSON array of frames, oldest first;
/// returns the output's length. `prefix_len`: the input starts with the SDK's URL prefix of
/// that many bytes (0: none), the stack follows.
#[no_mangle]
pub extern "C" fn parse(len: usize, prefix_len: usize) -> usize {
    let all = input_bytes(len);
    let prefix = all.get(..prefix_len).unwrap_or_default();
    let stack = all.get(prefix_len..).unwrap_or_default();
    let mut out = Out::new(usize::MAX);
    write_frames(&mut out, stack, prefix, FrameBounds::ALL);
    finish(out)
}
