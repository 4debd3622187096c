//! The npm module's boundary with `js/glue.js`, written by hand instead of by wasm-bindgen:
//! its generated glue was 4.4 KB gzip of core.js and its shims ~10 KB raw of the wasm
//! (docs/size.md). Rust apps keep wasm-bindgen (`rust_api`, `panic`).
//!
//! - JavaScript values stay in JavaScript: the glue keeps a table and the wasm holds indices
//!   into it ([`Val`]), valid until the export that received them returns.
//! - Strings into an export: the glue writes them into the input buffer ([`input`]) as fields
//!   `[u32 byte length, or u32::MAX for none][bytes]` (a list: its count, then its fields),
//!   in the order the export reads them with [`Args`]; numbers go as plain arguments.
//! - Strings asked of JavaScript (a property, a key, `beforeSend`'s answer): the import
//!   encodes the text, keeps it and returns its byte length (-1: none); `take` copies it into
//!   memory the wasm allocated.
//! - Strings out of an export: left in the output buffer ([`out`]), the export returns their
//!   byte length (-1: none).

use super::classify::{P_NUMBER, TEXT_STRING};
use std::cell::{Cell, RefCell};

/// A JavaScript value: an index into the glue's table.
pub(crate) type Val = u32;

#[link(wasm_import_module = "eb")]
extern "C" {
    #[link_name = "kind"]
    fn js_kind(v: Val) -> u32;
    #[link_name = "get"]
    fn js_get(v: Val, key: *const u8, len: usize) -> Val;
    #[link_name = "at"]
    fn js_at(v: Val, i: u32) -> Val;
    #[link_name = "text"]
    fn js_text(v: Val, how: u32) -> i32;
    #[link_name = "prim"]
    fn js_prim(v: Val) -> u32;
    #[link_name = "num"]
    fn js_num(v: Val) -> f64;
    #[link_name = "len"]
    fn js_len(v: Val) -> u32;
    #[link_name = "is_array"]
    fn js_is_array(v: Val) -> u32;
    #[link_name = "keys"]
    fn js_keys(v: Val, max: u32) -> Val;
    #[link_name = "same"]
    fn js_same(a: Val, b: Val) -> u32;
    #[link_name = "take"]
    fn js_take(to: *mut u8);
    #[link_name = "error_load"]
    fn js_error_load(v: Val, max_text: u32, max_stack: u32) -> u32;
    #[link_name = "error_take"]
    fn js_error_take(to: *mut u8, len: usize);
    #[link_name = "error_cause"]
    fn js_error_cause() -> Val;
    #[link_name = "error_errors"]
    fn js_error_errors() -> Val;
    #[link_name = "now"]
    fn js_now() -> f64;
    #[link_name = "random"]
    fn js_random() -> f64;
    #[link_name = "matches"]
    fn js_matches(id: u32, text: *const u8, len: usize) -> u32;
    #[link_name = "before_send"]
    fn js_before_send(json: *const u8, len: usize, id: *const u8, is_error: u32) -> i32;
    #[link_name = "start"]
    fn js_start(id: f64, channel: u32, body: *const u8, len: usize);
    #[link_name = "arm"]
    fn js_arm(ms: f64);
    #[link_name = "store_put"]
    fn js_store_put(id: *const u8, body: *const u8, len: usize);
    #[link_name = "store_delete"]
    fn js_store_delete(id: *const u8);
}

// SAFETY (every wrapper below): the imports are the plain functions of js/glue.js. They read
// only the `len` bytes at the pointers given, which stay valid for the call, and write only
// where `take`/`error_take` are told, into buffers of the length they asked for.

pub(crate) fn kind(v: Val) -> u32 {
    unsafe { js_kind(v) }
}

/// `v[key]`, or undefined when reading throws.
pub(crate) fn get(v: Val, key: &str) -> Val {
    unsafe { js_get(v, key.as_ptr(), key.len()) }
}

/// `v[i]`, or undefined when reading throws.
pub(crate) fn at(v: Val, i: u32) -> Val {
    unsafe { js_at(v, i) }
}

/// A text of `v`, read the way `how` says (`TEXT_*`); `None` when there is none.
pub(crate) fn text(v: Val, how: u32) -> Option<String> {
    taken(unsafe { js_text(v, how) })
}

/// What kind of primitive `v` is (`P_*`; other values: a larger number).
pub(crate) fn prim(v: Val) -> u32 {
    unsafe { js_prim(v) }
}

/// `v` when it is a number. The glue answers NaN for anything else, so only a NaN needs a
/// second crossing to tell the number NaN from a non-number.
pub(crate) fn num(v: Val) -> Option<f64> {
    let n = unsafe { js_num(v) };
    (!n.is_nan() || prim(v) == P_NUMBER).then_some(n)
}

/// The length of an array; 0 when `v` is not one.
pub(crate) fn len(v: Val) -> u32 {
    unsafe { js_len(v) }
}

/// Whether `v` is an array (a Proxy whose trap throws is not).
pub(crate) fn is_array(v: Val) -> bool {
    unsafe { js_is_array(v) != 0 }
}

/// Own enumerable keys of `v`, at most `max`.
pub(crate) fn keys(v: Val, max: u32) -> Vec<String> {
    let list = unsafe { js_keys(v, max) };
    let mut keys = Vec::new();
    for i in 0..len(list) {
        keys.extend(text(at(list, i), TEXT_STRING));
    }
    keys
}

/// Whether `a` and `b` are the same value (`Object.is`).
pub(crate) fn same(a: Val, b: Val) -> bool {
    unsafe { js_same(a, b) != 0 }
}

/// The text the last import prepared (`n` bytes), copied into the wasm.
fn taken(n: i32) -> Option<String> {
    let n = usize::try_from(n).ok()?;
    let mut buf = vec![0u8; n];
    if n > 0 {
        unsafe { js_take(buf.as_mut_ptr()) };
    }
    String::from_utf8(buf).ok()
}

/// See `ebErrorLoad` in js/bridge.js.
pub(crate) fn error_load(v: Val, max_text: u32, max_stack: u32) -> u32 {
    unsafe { js_error_load(v, max_text, max_stack) }
}

/// See `ebErrorTake` in js/bridge.js.
pub(crate) fn error_take(buf: &mut [u8]) {
    unsafe { js_error_take(buf.as_mut_ptr(), buf.len()) }
}

pub(crate) fn error_cause() -> Val {
    unsafe { js_error_cause() }
}

pub(crate) fn error_errors() -> Val {
    unsafe { js_error_errors() }
}

/// The current time.
pub(crate) fn now() -> crate::protocol::Timestamp {
    crate::protocol::Timestamp::from_millis_f64(unsafe { js_now() })
}

/// `Math.random()`.
pub(crate) fn random() -> f64 {
    unsafe { js_random() }
}

/// 16 random bytes (for event ids).
pub(crate) fn random_bytes() -> [u8; 16] {
    super::random_bytes_from(random)
}

/// Does the RegExp the glue numbered `id` match `text`?
pub(crate) fn matches(id: u32, text: &str) -> bool {
    unsafe { js_matches(id, text.as_ptr(), text.len()) != 0 }
}

/// `beforeSend`'s answer: the event JSON to send, `Err(true)` when it answers later through
/// `deliver_later`, `Err(false)` to drop.
pub(crate) fn before_send(json: &[u8], id: &[u8; 16], is_error: bool) -> Result<String, bool> {
    match unsafe { js_before_send(json.as_ptr(), json.len(), id.as_ptr(), u32::from(is_error)) } {
        -2 => Err(true),
        n => taken(n).ok_or(false),
    }
}

/// Starts a request the delivery policy asked for.
pub(crate) fn start(id: f64, channel: u32, body: &[u8]) {
    unsafe { js_start(id, channel, body.as_ptr(), body.len()) }
}

/// Sets the retry timer (`ms` negative: cancels it).
pub(crate) fn arm(ms: f64) {
    unsafe { js_arm(ms) }
}

/// Keeps an envelope in the offline store.
pub(crate) fn store_put(id: &[u8; 16], body: &[u8]) {
    unsafe { js_store_put(id.as_ptr(), body.as_ptr(), body.len()) }
}

/// Removes an envelope from the offline store.
pub(crate) fn store_delete(id: &[u8; 16]) {
    unsafe { js_store_delete(id.as_ptr()) }
}

/// The most the input buffer grows to: a call whose strings need more is refused rather than
/// allocated (the glue cuts each string at 8 Mi UTF-16 units, up to 24 MiB of UTF-8, so only
/// a call with several such strings can reach it).
const MAX_INPUT: usize = 64 << 20;

thread_local! {
    static INPUT: Cell<Vec<u8>> = const { Cell::new(Vec::new()) };
    static OUTPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Makes room for `len` bytes of an export's string arguments and returns where the glue
/// writes them; null when that is more than [`MAX_INPUT`].
#[no_mangle]
pub extern "C" fn input(len: usize) -> *mut u8 {
    if len > MAX_INPUT {
        return std::ptr::null_mut();
    }
    INPUT.with(|c| {
        let mut buf = c.take();
        buf.clear();
        buf.resize(len, 0);
        let at = buf.as_mut_ptr();
        c.set(buf);
        at
    })
}

/// Where the last export that returned a length left its string.
#[no_mangle]
pub extern "C" fn out() -> *const u8 {
    OUTPUT.with(|o| o.try_borrow().map_or(std::ptr::null(), |o| o.as_ptr()))
}

/// Leaves `text` for the glue; returns its length (-1 for none).
pub(crate) fn put_out(text: Option<&str>) -> i32 {
    let Some(text) = text else { return -1 };
    OUTPUT.with(|o| match o.try_borrow_mut() {
        Ok(mut o) => {
            o.clear();
            o.extend_from_slice(text.as_bytes());
            i32::try_from(o.len()).unwrap_or(-1)
        }
        Err(_) => -1,
    })
}

/// An export's string arguments, read in the order the glue wrote them. Taken out of the
/// input buffer, so that a call the export makes into JavaScript, and any export that call
/// re-enters, cannot overwrite them.
pub(crate) struct Args {
    buf: Vec<u8>,
    at: Cell<usize>,
}

impl Args {
    pub(crate) fn take() -> Args {
        Args { buf: INPUT.with(Cell::take), at: Cell::new(0) }
    }

    fn u32_at(&self) -> Option<u32> {
        let at = self.at.get();
        let word = self.buf.get(at..at.checked_add(4)?)?;
        self.at.set(at + 4);
        Some(u32::from_le_bytes(word.try_into().ok()?))
    }

    /// A number field (0 past the end).
    pub(crate) fn u32(&self) -> u32 {
        self.u32_at().unwrap_or(0)
    }

    /// A bytes field; `None` for an absent one (or past the end).
    pub(crate) fn bytes(&self) -> Option<&[u8]> {
        let n = self.u32_at()?;
        if n == u32::MAX {
            return None;
        }
        let at = self.at.get();
        let end = at.checked_add(n as usize)?;
        let bytes = self.buf.get(at..end)?;
        self.at.set(end);
        Some(bytes)
    }

    /// A string field; `None` for an absent one.
    pub(crate) fn str(&self) -> Option<&str> {
        std::str::from_utf8(self.bytes()?).ok()
    }

    /// A string field, empty ones read as absent.
    pub(crate) fn string(&self) -> Option<String> {
        self.str().filter(|s| !s.is_empty()).map(str::to_owned)
    }

    /// A list's count, bounded by the fields the buffer can still hold (4 bytes each); its
    /// fields follow.
    pub(crate) fn count(&self) -> u32 {
        let left = self.buf.len().saturating_sub(self.at.get()) / 4;
        self.u32().min(u32::try_from(left).unwrap_or(u32::MAX))
    }
}

impl Drop for Args {
    /// Gives the buffer back for the next call (unless a re-entered call left a larger one).
    fn drop(&mut self) {
        let buf = std::mem::take(&mut self.buf);
        INPUT.with(|c| {
            let current = c.take();
            c.set(if current.capacity() >= buf.capacity() { current } else { buf });
        });
    }
}
