//! `parseStack` for JavaScript: input and output buffers shared with the glue.
//!
//! Protocol with `parseStack` in js/api.js (keep both in sync):
//! 1. `parse_buffer(n)` returns a pointer to `n` writable bytes; JS writes the stack's UTF-8
//!    there with `TextEncoder.encodeInto`.
//! 2. `parse(len)` parses those `len` bytes and returns the frame count.
//! 3. `frames()` points at `count × RECORD` `u32`s, one record per frame, oldest first;
//!    string fields are UTF-16 offsets into the original JS string, or into the side strings
//!    (`side()`, a string out) when the field's `*_SIDE` flag is set (names changed by demangling).

use crate::stack::{parse_frames, ParseOptions, ParsedFrame};
use crate::utf16::{utf16_len, Utf16Offsets};
use std::cell::RefCell;

const RECORD: usize = 13;
/// Set in [`parse`]'s result when `side()` has something to read.
const SIDE_PRESENT: u32 = 0x8000_0000;
const HAS_FN: u32 = 1;
const FN_SIDE: u32 = 2;
const HAS_RAW: u32 = 4;
const HAS_ABS: u32 = 8;
const HAS_FILE: u32 = 16;
const HAS_LINE: u32 = 32;
const HAS_COL: u32 = 64;
const IN_APP: u32 = 128;
const WASM: u32 = 256;
const HAS_ADDR: u32 = 512;
const HAS_FUNC_ID: u32 = 1024;

struct State {
    input: Vec<u8>,
    table: Vec<u32>,
    side: String,
    side_units: u32,
    options: ParseOptions,
}

thread_local! {
    // A `const` initializer: no lazy-initialization code in the module.
    static STATE: RefCell<State> = const {
        RefCell::new(State {
            input: Vec::new(),
            table: Vec::new(),
            side: String::new(),
            side_units: 0,
            options: ParseOptions { sdk_url_prefix: None },
        })
    };
}

/// Makes room for `len` input bytes and returns where JS should write them; null when `len`
/// is more than a bounded stack can need (JS then writes nothing).
#[no_mangle]
#[cfg_attr(eb_speed, optimize(speed))]
pub extern "C" fn parse_buffer(len: usize) -> *mut u8 {
    STATE.with(|s| {
        let Ok(mut s) = s.try_borrow_mut() else { return std::ptr::null_mut() };
        if len > crate::limits::MAX_STACK_BYTES * 3 {
            return std::ptr::null_mut();
        }
        if s.input.len() < len {
            s.input.resize(len, 0);
        }
        s.input.as_mut_ptr()
    })
}

/// Sets the URL prefix of errorbeacon's own files (frames under it are the SDK's): a string.
#[no_mangle]
pub extern "C" fn set_sdk_prefix() {
    let prefix = super::abi::Args::take().string();
    STATE.with(|s| {
        if let Ok(mut s) = s.try_borrow_mut() {
            s.options.sdk_url_prefix = prefix;
        }
    });
}

/// Parses the first `len` bytes of the input buffer; returns the number of frames.
#[no_mangle]
#[cfg_attr(eb_speed, optimize(speed))]
pub extern "C" fn parse(len: usize) -> u32 {
    STATE.with(|s| {
        let Ok(mut s) = s.try_borrow_mut() else {
            return 0;
        };
        let State { input, table, side, side_units, options } = &mut *s;
        let bytes = input.get(..len).unwrap_or_default();
        // encodeInto may stop mid-character at the end of a cut string; keep the valid part.
        let text = match std::str::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => std::str::from_utf8(bytes.get(..e.valid_up_to()).unwrap_or_default()).unwrap_or_default(),
        };
        let mut frames = Vec::new();
        parse_frames(text, options, &mut frames);
        table.clear();
        side.clear();
        *side_units = 0;
        let units = Utf16Offsets::new(text);
        for f in &frames {
            encode(f, text, &units, table, side, side_units);
        }
        let count = frames.len() as u32;
        if side.is_empty() {
            count
        } else {
            count | SIDE_PRESENT
        }
    })
}

/// The frame table of the last [`parse`].
#[no_mangle]
#[cfg_attr(eb_speed, optimize(speed))]
pub extern "C" fn frames() -> *const u32 {
    STATE.with(|s| s.try_borrow().map_or(std::ptr::null(), |s| s.table.as_ptr()))
}

/// Strings of the last [`parse`] that are not slices of the input, left as a string out.
#[no_mangle]
pub extern "C" fn side() -> i32 {
    STATE.with(|s| s.try_borrow().map_or(-1, |s| super::abi::put_out(Some(&s.side))))
}

#[cfg_attr(eb_speed, optimize(speed))]
fn encode(
    f: &ParsedFrame<'_>,
    text: &str,
    units: &Utf16Offsets<'_>,
    table: &mut Vec<u32>,
    side: &mut String,
    side_units: &mut u32,
) {
    let mut rec = [0u32; RECORD];
    let mut flags = 0;
    let slice = |s: &str, at: usize, flag: u32, flags: &mut u32, rec: &mut [u32; RECORD]| {
        if let Some((a, b)) = span(text, s) {
            rec[at] = units.at(a);
            rec[at + 1] = units.at(b);
            *flags |= flag;
        }
    };
    if let Some(func) = &f.function {
        if span(text, func).is_some() {
            slice(func, 0, HAS_FN, &mut flags, &mut rec);
        } else {
            let n = utf16_len(func) as u32;
            rec[0] = *side_units;
            rec[1] = *side_units + n;
            side.push_str(func);
            *side_units += n;
            flags |= HAS_FN | FN_SIDE;
        }
    }
    if let Some(raw) = f.raw_function {
        slice(raw, 2, HAS_RAW, &mut flags, &mut rec);
    }
    if let Some(abs) = f.abs_path {
        slice(abs, 4, HAS_ABS, &mut flags, &mut rec);
    }
    if let Some(file) = f.filename {
        slice(file, 6, HAS_FILE, &mut flags, &mut rec);
    }
    if let Some(l) = f.lineno {
        rec[8] = l;
        flags |= HAS_LINE;
    }
    if let Some(c) = f.colno {
        rec[9] = c;
        flags |= HAS_COL;
    }
    if f.in_app {
        flags |= IN_APP;
    }
    if f.wasm {
        flags |= WASM;
    }
    if let Some(addr) = f.instruction_addr.and_then(|a| u32::try_from(a).ok()) {
        rec[11] = addr;
        flags |= HAS_ADDR;
    }
    if let Some(i) = f.function_index {
        rec[12] = i;
        flags |= HAS_FUNC_ID;
    }
    rec[10] = flags;
    table.extend_from_slice(&rec);
}

/// Byte range of `part` within `whole`, when `part` is a slice of it.
#[cfg_attr(eb_speed, optimize(speed))]
fn span(whole: &str, part: &str) -> Option<(usize, usize)> {
    let start = (part.as_ptr() as usize).checked_sub(whole.as_ptr() as usize)?;
    let end = start.checked_add(part.len())?;
    (end <= whole.len()).then_some((start, end))
}
