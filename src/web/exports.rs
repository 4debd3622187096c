//! The lean npm module's exports (issue 25): each does one whole step over bytes in linear
//! memory and empties the arena ([`super::arena`]) before the next.

use crate::stack::{table_frames, write_frames, FrameBounds};
use crate::write::images::{valid_build_id, Module};
use crate::write::Out;
use core::cell::Cell;

#[global_allocator]
static ARENA: super::arena::Arena = super::arena::Arena::new();

struct Io {
    /// The input buffer the glue writes into (`input`), and its length.
    input: Cell<(usize, usize)>,
    /// The last output (pointer, length).
    out: Cell<(usize, usize)>,
    /// The last `table`'s side strings (pointer, length).
    side: Cell<(usize, usize)>,
}

// SAFETY: single-threaded wasm.
unsafe impl Sync for Io {}

static IO: Io = Io { input: Cell::new((0, 0)), out: Cell::new((0, 0)), side: Cell::new((0, 0)) };

/// Empties the arena, for an export that takes no input but writes an output.
pub(crate) fn reset_arena() {
    ARENA.reset();
}

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

pub(crate) fn input_bytes(len: usize) -> &'static [u8] {
    let (p, cap) = IO.input.get();
    if p == 0 || len > cap {
        return b"";
    }
    // SAFETY: `input` reserved `cap` bytes at `p`, which the glue filled; nothing else has
    // been allocated over them since (the arena only resets in `input`).
    unsafe { core::slice::from_raw_parts(p as *const u8, len) }
}

pub(crate) fn finish(out: Out) -> usize {
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

/// `parseStack`'s fast path: the input as [`parse`] reads it, its frames as a table of
/// `TABLE_RECORD` u32 words each at `out()`, the names it rewrote at `side()`; returns the
/// frame count, or `u32::MAX` when the table cannot hold them (then [`parse`]).
#[no_mangle]
pub extern "C" fn table(len: usize, prefix_len: usize) -> u32 {
    let all = input_bytes(len);
    let prefix = all.get(..prefix_len).unwrap_or_default();
    let stack = all.get(prefix_len..).unwrap_or_default();
    let mut words = Vec::new();
    let mut side = Vec::new();
    let Some(n) = table_frames(&mut words, &mut side, stack, prefix) else { return u32::MAX };
    IO.out.set((words.as_ptr() as usize, words.len() * 4));
    IO.side.set((side.as_ptr() as usize, side.len()));
    core::mem::forget(words);
    core::mem::forget(side);
    n as u32
}

/// Where the last `table`'s side strings are, and their length (`side_len`).
#[no_mangle]
pub extern "C" fn side() -> *const u8 {
    IO.side.get().0 as *const u8
}

#[no_mangle]
pub extern "C" fn side_len() -> usize {
    IO.side.get().1
}

/// Reads the input's length-prefixed fields (`[u32 LE byte length][bytes]`, the length
/// `u32::MAX` for none) in order.
pub(crate) struct Fields {
    bytes: &'static [u8],
    at: usize,
}

impl Fields {
    /// The fields of the input's first `len` bytes.
    pub(crate) fn of(len: usize) -> Fields {
        Fields { bytes: input_bytes(len), at: 0 }
    }

    /// The next field as text; `None` when absent or not UTF-8.
    pub(crate) fn text(&mut self) -> Option<&'static str> {
        let absent = self.bytes.get(self.at..self.at + 4) == Some(&[0xff; 4][..]);
        let field = self.next();
        if absent {
            return None;
        }
        core::str::from_utf8(field).ok()
    }

    /// The next plain u32 (a count).
    fn u32(&mut self) -> u32 {
        let head = self.bytes.get(self.at..self.at + 4).and_then(|h| <[u8; 4]>::try_from(h).ok());
        self.at += 4;
        head.map_or(u32::MAX, u32::from_le_bytes)
    }

    fn next(&mut self) -> &'static [u8] {
        let n = self.u32() as usize;
        if n == u32::MAX as usize {
            return b"";
        }
        let field = self.bytes.get(self.at..self.at + n).unwrap_or_default();
        self.at += n;
        field
    }
}

/// Exceptions one capture can have: the thrown value and its linked errors
/// (`MAX_LINKED_ERRORS` deep, AggregateError children within it).
const MAX_EXCEPTIONS: usize = 16;

/// Writes a capture's envelope from the input's fields (the lean glue's `capture`): event id
/// (32 hex digits), timestamp and sent_at (RFC 3339 text), level, release, dist, environment,
/// message, breadcrumbs, user, request, contexts, tags, extra, fingerprint, sdk, dsn,
/// SDK URL prefix, then a count and that many exceptions (type, value, stack, synthetic stack,
/// mechanism). `limit`: the channel's bytes. Returns the envelope's length (0: not even the
/// minimal event fits).
#[no_mangle]
pub extern "C" fn capture(len: usize, limit: u32) -> usize {
    use crate::write::{write_envelope, Capture, Exc};
    let mut f = Fields::of(len);
    let mut c = Capture {
        event_id: f.next(),
        timestamp: f.next(),
        sent_at: f.next(),
        level: f.next(),
        release: f.next(),
        dist: f.next(),
        environment: f.next(),
        server_name: f.next(),
        message: f.next(),
        breadcrumbs: f.next(),
        user: f.next(),
        request: f.next(),
        contexts: f.next(),
        tags: f.next(),
        extra: f.next(),
        fingerprint: f.next(),
        sdk: f.next(),
        modules: &[],
        dsn: f.next(),
        sdk_prefix: f.next(),
        exceptions: &[],
    };
    let n = (f.u32() as usize).min(MAX_EXCEPTIONS);
    let mut list = [Exc::default(); MAX_EXCEPTIONS];
    for e in list.iter_mut().take(n) {
        *e = Exc {
            ty: f.next(),
            value: f.next(),
            stack: f.next(),
            synthetic: f.next(),
            mechanism: f.next(),
            rust: None,
        };
    }
    c.exceptions = list.get(..n).unwrap_or_default();
    let Ok(registry) = REGISTRY.0.try_borrow() else { return 0 };
    let mut modules = [Module::default(); MAX_MODULES];
    let n = registry.modules(&mut modules);
    c.modules = modules.get(..n).unwrap_or_default();
    let mut out = Out::new(limit as usize);
    if write_envelope(&mut out, &c).too_large {
        return 0;
    }
    finish(out)
}

/// Modules remembered (js/wasm-modules.js registers each module the page loads that has a
/// build id); more are not.
const MAX_MODULES: usize = 32;
/// Bytes of their URLs, build ids and names.
const POOL: usize = 16 * 1024;

/// A registered module: ranges of the pool, and where its code is.
#[derive(Clone, Copy, Default)]
struct Stored {
    url: (usize, usize),
    build_id: (usize, usize),
    name: (usize, usize),
    functions: (u32, u32),
    code: (u64, u64),
    own: bool,
}

struct Registry {
    pool: [u8; POOL],
    used: usize,
    stored: [Stored; MAX_MODULES],
    n: usize,
}

impl Registry {
    /// Copies `text` into the pool; its range, or `None` when full.
    fn keep(&mut self, text: &[u8]) -> Option<(usize, usize)> {
        let start = self.used;
        self.pool.get_mut(start..start + text.len())?.copy_from_slice(text);
        self.used += text.len();
        Some((start, self.used))
    }

    /// The modules, as the writer takes them, into `out`; returns how many.
    fn modules<'a>(&'a self, out: &mut [Module<'a>; MAX_MODULES]) -> usize {
        let text = |(a, b): (usize, usize)| self.pool.get(a..b).unwrap_or_default();
        for (slot, m) in out.iter_mut().zip(self.stored.get(..self.n).unwrap_or_default()) {
            *slot = Module {
                url: text(m.url),
                build_id: text(m.build_id),
                name: text(m.name),
                functions: m.functions,
                code: m.code,
                own: m.own,
            };
        }
        self.n
    }
}

struct Shared(core::cell::RefCell<Registry>);
// SAFETY: single-threaded wasm.
unsafe impl Sync for Shared {}
static REGISTRY: Shared = Shared(core::cell::RefCell::new(Registry {
    pool: [0; POOL],
    used: 0,
    stored: [Stored { url: (0, 0), build_id: (0, 0), name: (0, 0), functions: (0, 0), code: (0, 0), own: false };
        MAX_MODULES],
    n: 0,
}));

/// Remembers a wasm module from the input's fields: the name engines print for its frames
/// (its URL, or V8's name for one from bytes; empty when unknown), its build id (hex) and its
/// name section's module name. A module from bytes also gives where its code is: its own
/// functions `fn_start..fn_end` and its code section's bytes `code_start..code_end`.
/// `own`: errorbeacon's own module. Returns 0 when it is not kept (a bad build id, no room).
#[no_mangle]
pub extern "C" fn register(len: usize, fn_start: u32, fn_end: u32, code_start: u32, code_end: u32, own: u32) -> u32 {
    let mut f = Fields::of(len);
    let (url, build_id, name) = (f.next(), f.next(), f.next());
    if !valid_build_id(build_id) {
        return 0;
    }
    let Ok(mut r) = REGISTRY.0.try_borrow_mut() else { return 0 };
    if r.n >= MAX_MODULES {
        return 0;
    }
    let mark = r.used;
    let (Some(url), Some(build_id), Some(name)) = (r.keep(url), r.keep(build_id), r.keep(name)) else {
        r.used = mark;
        return 0;
    };
    let stored = Stored {
        url,
        build_id,
        name,
        functions: (fn_start, fn_end),
        code: (u64::from(code_start), u64::from(code_end)),
        own: own != 0,
    };
    let n = r.n;
    if let Some(slot) = r.stored.get_mut(n) {
        *slot = stored;
        r.n += 1;
    }
    1
}
