//! A small JSON writer for the protocol types: every byte errorbeacon puts in an envelope.
//!
//! The trade-off is size against generality. serde_json's serializer brings its error
//! machinery, `core::fmt` and float formatting into the wasm build: measured on an export that
//! captures an error and writes its envelope, serialization cost 15.5 KB gzip with serde_json
//! and 4.6 KB with this writer, against a 20 KB budget for the whole browser module. This
//! writer appends to a `Vec<u8>`, writes integers with its own digit loop and knows only the
//! types an envelope carries, so it links no formatting code.
//!
//! The serde derives on the protocol types stay the definition of the wire format: the inbox
//! reads with them, and the tests here and in `tests/json_writer.rs` assert that this writer's
//! bytes equal `serde_json::to_vec` for the same value (field order, skipped empty fields,
//! string escaping, integer digits). Each impl destructures its struct without `..`, so a field
//! added to a protocol type does not compile until it is written here too, in the place its
//! declaration order gives it and with its `skip_serializing_if`.

use crate::envelope::EnvelopeHeaders;
use crate::protocol::{
    Addr, Breadcrumb, ClientReport, ClientSdkInfo, ClientSdkPackage, Contexts, DebugImage, DebugMeta, DiscardedEvent,
    Event, EventId, Exception, Frame, Level, LogEntry, Mechanism, Request, SdkSettings, Stacktrace, Timestamp, User,
    Value, Values,
};

/// Appends JSON to a byte buffer. Separators are tracked with one flag: every container that
/// closes was itself an entry of its parent, so the parent's next entry always needs a comma.
///
/// The methods are `#[inline(never)]`: inlined, every `{`, key and comma carried its own
/// `Vec::push` capacity check and grow call, and the field helpers their value's writer. As
/// calls the wasm build was 1.2 KB gzip smaller; an event is written once, so speed is moot.
pub(crate) struct Json<'a> {
    out: &'a mut Vec<u8>,
    /// Whether the next key or array item is the first of its container (no comma before it).
    first: bool,
}

impl<'a> Json<'a> {
    /// A writer appending to `out`.
    pub(crate) fn new(out: &'a mut Vec<u8>) -> Self {
        Json { out, first: true }
    }

    /// `null`.
    #[inline(never)]
    pub(crate) fn null(&mut self) {
        self.out.extend_from_slice(b"null");
    }

    /// `true` or `false`.
    #[inline(never)]
    pub(crate) fn bool(&mut self, b: bool) {
        self.raw(if b { b"true" } else { b"false" });
    }

    /// An unsigned integer in decimal.
    #[inline(never)]
    pub(crate) fn u64(&mut self, n: u64) {
        self.digits(n, 1);
    }

    /// A signed integer in decimal (`i64::MIN` included: its magnitude fits a `u64`).
    #[inline(never)]
    pub(crate) fn i64(&mut self, n: i64) {
        if n < 0 {
            self.out.push(b'-');
        }
        self.digits(n.unsigned_abs(), 1);
    }

    /// `n` in decimal with at least `width` digits, zero-padded (`{n:0width$}` for `width`
    /// up to 20). A fixed buffer filled from the end: no `core::fmt`, no indexing. Not inlined:
    /// a timestamp calls it seven times, and each inlined copy cost the wasm ~300 bytes.
    #[inline(never)]
    fn digits(&mut self, mut n: u64, width: usize) {
        let mut buf = [b'0'; 20];
        let mut len = 0;
        for slot in buf.iter_mut().rev() {
            *slot = b'0' + (n % 10) as u8;
            n /= 10;
            len += 1;
            if n == 0 && len >= width {
                break;
            }
        }
        self.raw(buf.get(buf.len() - len..).unwrap_or_default());
    }

    /// A JSON string, escaped as serde_json escapes (`ser.rs`, `ESCAPE`): `"` and `\`, the
    /// short forms `\b \t \n \f \r`, other bytes below 0x20 as `\u00xx` with lowercase hex,
    /// and everything else (DEL, U+2028, U+2029, non-ASCII) as raw UTF-8.
    #[inline(never)]
    pub(crate) fn string(&mut self, s: &str) {
        let bytes = s.as_bytes();
        self.out.reserve(bytes.len() + 2);
        self.out.push(b'"');
        let mut start = 0;
        let mut i = 0;
        while i < bytes.len() {
            // Eight bytes at a time while none needs escaping (most of a stack's text).
            if let Some(word) = bytes.get(i..i + 8) {
                let x = u64::from_le_bytes(word.try_into().unwrap_or([0; 8]));
                if !needs_escape(x) {
                    i += 8;
                    continue;
                }
            }
            let b = bytes.get(i).copied().unwrap_or(0);
            i += 1;
            let short = match b {
                b'"' => b'"',
                b'\\' => b'\\',
                b'\n' => b'n',
                b'\r' => b'r',
                b'\t' => b't',
                0x08 => b'b',
                0x0c => b'f',
                0..=0x1f => b'u',
                _ => continue,
            };
            self.raw(bytes.get(start..i - 1).unwrap_or_default());
            start = i;
            self.out.extend_from_slice(&[b'\\', short]);
            if short == b'u' {
                self.out.extend_from_slice(&[b'0', b'0', hex_digit(b >> 4), hex_digit(b & 0xf)]);
            }
        }
        self.raw(bytes.get(start..).unwrap_or_default());
        self.out.push(b'"');
    }

    /// `{`: entries follow with [`Json::key`].
    #[inline(never)]
    pub(crate) fn begin_object(&mut self) {
        self.out.push(b'{');
        self.first = true;
    }

    /// `}`.
    #[inline(never)]
    pub(crate) fn end_object(&mut self) {
        self.out.push(b'}');
        self.first = false;
    }

    /// `[`: items follow, each after [`Json::item`].
    #[inline(never)]
    pub(crate) fn begin_array(&mut self) {
        self.out.push(b'[');
        self.first = true;
    }

    /// `]`.
    #[inline(never)]
    pub(crate) fn end_array(&mut self) {
        self.out.push(b']');
        self.first = false;
    }

    /// The comma before an object entry or array item, unless it is the first.
    fn separate(&mut self) {
        if !self.first {
            self.out.push(b',');
        }
        self.first = false;
    }

    /// Starts an array item: its value is written next.
    #[inline(never)]
    pub(crate) fn item(&mut self) {
        self.separate();
    }

    /// Starts an object entry: `"key":`, its value is written next. Keys are mostly the
    /// protocol's own short names, which need no escaping: they are copied as they are.
    #[inline(never)]
    pub(crate) fn key(&mut self, key: &str) {
        self.separate();
        if key.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
            self.out.reserve(key.len() + 3);
            self.out.push(b'"');
            self.raw(key.as_bytes());
            self.out.push(b'"');
        } else {
            self.string(key);
        }
        self.out.push(b':');
    }

    /// Appends bytes as they are. Short runs (keys, names, separators) are copied byte by
    /// byte: a `memcpy` of a few bytes compiles to wasm's `memory.copy`, which engines run as
    /// a call with a fixed cost far above that of a few stores.
    #[inline]
    fn raw(&mut self, bytes: &[u8]) {
        if bytes.len() <= 16 {
            for &b in bytes {
                self.out.push(b);
            }
        } else {
            self.out.extend_from_slice(bytes);
        }
    }

    /// An entry that is always written, under one of the protocol's own keys.
    #[inline(never)]
    pub(crate) fn field<T: WriteJson + ?Sized>(&mut self, key: Key, value: &T) {
        self.separate();
        self.out.extend_from_slice(key.0.as_bytes());
        value.write_json(self);
    }

    /// An entry written only when `value` is `Some` (`skip_serializing_if = "Option::is_none"`).
    /// Inlined: most optional fields are absent, and the test costs less than a call.
    #[inline(always)]
    pub(crate) fn field_opt<T: WriteJson>(&mut self, key: Key, value: &Option<T>) {
        if let Some(v) = value {
            self.field(key, v);
        }
    }

    /// An entry under a key that comes from data (a tag's or context's name): escaped.
    #[inline(never)]
    pub(crate) fn entry<T: WriteJson + ?Sized>(&mut self, key: &str, value: &T) {
        self.key(key);
        value.write_json(self);
    }

    /// Quotes around text this writer makes itself (digits, hex), which never needs escaping.
    fn quoted(&mut self, write: impl FnOnce(&mut Self)) {
        self.out.push(b'"');
        write(self);
        self.out.push(b'"');
    }
}

/// A protocol key written as it goes on the wire, quotes and colon included (`"type":`), so
/// that an entry's key is one copy: the writer's most frequent operation (an event with 25
/// frames has some 250 keys). Made by [`key!`], which checks that it needs no escaping.
#[derive(Clone, Copy)]
pub(crate) struct Key(pub(crate) &'static str);

/// `key!("type")` is the [`Key`] `"type":`.
macro_rules! key {
    ($k:literal) => {{
        const _: () = assert!($crate::json::plain_key($k), "a protocol key needs no escaping");
        $crate::json::Key(concat!("\"", $k, "\":"))
    }};
}
pub(crate) use key;

/// Whether `k` can be written between quotes as it is (checked at compile time by [`key!`]).
pub(crate) const fn plain_key(k: &str) -> bool {
    let b = k.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] < 0x20 || b[i] == b'"' || b[i] == b'\\' {
            return false;
        }
        i += 1;
    }
    true
}

/// `n` (below 16) as a lowercase hex digit.
/// Whether any of the eight bytes in `x` is below 0x20, `"` or `\\` (SWAR: a byte's high bit
/// is set in the result where the byte matches; false positives cannot happen for ASCII, and
/// bytes >= 0x80 are excluded by `!x`).
#[inline]
fn needs_escape(x: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let below_space = x.wrapping_sub(ONES * 0x20) & !x & HIGH;
    let quote = (x ^ (ONES * u64::from(b'"'))).wrapping_sub(ONES) & !(x ^ (ONES * u64::from(b'"'))) & HIGH;
    let backslash = (x ^ (ONES * u64::from(b'\\'))).wrapping_sub(ONES) & !(x ^ (ONES * u64::from(b'\\'))) & HIGH;
    below_space | quote | backslash != 0
}

fn hex_digit(n: u8) -> u8 {
    if n < 10 {
        b'0' + n
    } else {
        b'a' + (n - 10)
    }
}

/// A value this writer can put in an envelope.
pub(crate) trait WriteJson {
    /// Appends the value's JSON, exactly as its `Serialize` impl writes it with serde_json.
    fn write_json(&self, w: &mut Json<'_>);
}

/// `value` as JSON bytes.
pub(crate) fn to_vec<T: WriteJson + ?Sized>(value: &T) -> Vec<u8> {
    // An error event with a stack is 3-6 KB: one allocation, no regrowth copies.
    let mut out = Vec::with_capacity(8192);
    value.write_json(&mut Json::new(&mut out));
    out
}

impl<T: WriteJson + ?Sized> WriteJson for &T {
    fn write_json(&self, w: &mut Json<'_>) {
        (**self).write_json(w);
    }
}

impl WriteJson for str {
    fn write_json(&self, w: &mut Json<'_>) {
        w.string(self);
    }
}

impl WriteJson for String {
    fn write_json(&self, w: &mut Json<'_>) {
        w.string(self);
    }
}

impl WriteJson for bool {
    fn write_json(&self, w: &mut Json<'_>) {
        w.bool(*self);
    }
}

impl WriteJson for u32 {
    fn write_json(&self, w: &mut Json<'_>) {
        w.u64(u64::from(*self));
    }
}

impl WriteJson for u64 {
    fn write_json(&self, w: &mut Json<'_>) {
        w.u64(*self);
    }
}

impl WriteJson for usize {
    fn write_json(&self, w: &mut Json<'_>) {
        // usize is at most 64 bits on every target Rust supports.
        w.u64(*self as u64);
    }
}

impl WriteJson for i64 {
    fn write_json(&self, w: &mut Json<'_>) {
        w.i64(*self);
    }
}

/// `None` is `null`, as serde writes it where a field is not skipped.
impl<T: WriteJson> WriteJson for Option<T> {
    fn write_json(&self, w: &mut Json<'_>) {
        match self {
            Some(v) => v.write_json(w),
            None => w.null(),
        }
    }
}

impl<T: WriteJson> WriteJson for [T] {
    fn write_json(&self, w: &mut Json<'_>) {
        w.begin_array();
        for v in self {
            w.item();
            v.write_json(w);
        }
        w.end_array();
    }
}

impl<T: WriteJson> WriteJson for Vec<T> {
    fn write_json(&self, w: &mut Json<'_>) {
        self.as_slice().write_json(w);
    }
}

/// Keys in the map's order, which for a `BTreeMap` is sorted: no sorting here.
impl<V: WriteJson> WriteJson for crate::protocol::SortedMap<V> {
    fn write_json(&self, w: &mut Json<'_>) {
        w.begin_object();
        for (k, v) in self {
            w.entry(k, v);
        }
        w.end_object();
    }
}

/// Non-integral numbers are kept as text and written as strings (see [`Value`]).
impl WriteJson for Value {
    fn write_json(&self, w: &mut Json<'_>) {
        match self {
            Value::Null => w.null(),
            Value::Bool(b) => w.bool(*b),
            Value::Int(n) => w.i64(*n),
            Value::Float(s) | Value::String(s) => w.string(s),
            Value::Array(a) => a.write_json(w),
            Value::Object(m) => m.write_json(w),
        }
    }
}

impl WriteJson for Level {
    fn write_json(&self, w: &mut Json<'_>) {
        w.string(self.as_str());
    }
}

/// 32 lowercase hex digits, as `EventId`'s `Display`.
impl WriteJson for EventId {
    fn write_json(&self, w: &mut Json<'_>) {
        w.quoted(|w| {
            for b in self.0 {
                w.out.extend_from_slice(&[hex_digit(b >> 4), hex_digit(b & 0xf)]);
            }
        });
    }
}

/// `0x` and lowercase hex without leading zeros (`{:#x}`), as `Addr`'s `Display`.
impl WriteJson for Addr {
    fn write_json(&self, w: &mut Json<'_>) {
        w.quoted(|w| {
            w.out.extend_from_slice(b"0x");
            let n = self.0;
            // Hex digits needed: at least one, for zero.
            let len = (16 - n.leading_zeros() as usize / 4).max(1);
            for shift in (0..len).rev() {
                w.out.push(hex_digit(((n >> (shift * 4)) & 0xf) as u8));
            }
        });
    }
}

/// RFC 3339 in UTC with milliseconds, as `Timestamp`'s `Display`
/// (`{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{ms:03}Z`). Years past 9999 are written with
/// more digits, as `{y:04}` does; `Timestamp`'s constructors never make one.
impl WriteJson for Timestamp {
    fn write_json(&self, w: &mut Json<'_>) {
        let [y, m, d, h, mi, s, ms] = self.parts();
        w.quoted(|w| {
            w.digits(y, 4);
            w.out.push(b'-');
            w.digits(m, 2);
            w.out.push(b'-');
            w.digits(d, 2);
            w.out.push(b'T');
            w.digits(h, 2);
            w.out.push(b':');
            w.digits(mi, 2);
            w.out.push(b':');
            w.digits(s, 2);
            w.out.push(b'.');
            w.digits(ms, 3);
            w.out.push(b'Z');
        });
    }
}

impl WriteJson for Event {
    fn write_json(&self, w: &mut Json<'_>) {
        let Event {
            event_id,
            timestamp,
            platform,
            level,
            logger,
            release,
            dist,
            environment,
            logentry,
            exception,
            breadcrumbs,
            user,
            request,
            contexts,
            tags,
            extra,
            fingerprint,
            sdk,
            debug_meta,
        } = self;
        w.begin_object();
        w.field(key!("event_id"), event_id);
        w.field(key!("timestamp"), timestamp);
        w.field(key!("platform"), platform);
        w.field_opt(key!("level"), level);
        w.field_opt(key!("logger"), logger);
        w.field_opt(key!("release"), release);
        w.field_opt(key!("dist"), dist);
        w.field_opt(key!("environment"), environment);
        w.field_opt(key!("logentry"), logentry);
        w.field_opt(key!("exception"), exception);
        w.field_opt(key!("breadcrumbs"), breadcrumbs);
        w.field_opt(key!("user"), user);
        w.field_opt(key!("request"), request);
        if !contexts.is_empty() {
            w.field(key!("contexts"), contexts);
        }
        if !tags.is_empty() {
            w.field(key!("tags"), tags);
        }
        if !extra.is_empty() {
            w.field(key!("extra"), extra);
        }
        if !fingerprint.is_empty() {
            w.field(key!("fingerprint"), fingerprint);
        }
        w.field_opt(key!("sdk"), sdk);
        w.field_opt(key!("debug_meta"), debug_meta);
        w.end_object();
    }
}

impl WriteJson for LogEntry {
    fn write_json(&self, w: &mut Json<'_>) {
        let LogEntry { formatted } = self;
        w.begin_object();
        w.field(key!("formatted"), formatted);
        w.end_object();
    }
}

impl<T: WriteJson> WriteJson for Values<T> {
    fn write_json(&self, w: &mut Json<'_>) {
        let Values { values } = self;
        w.begin_object();
        w.field(key!("values"), values);
        w.end_object();
    }
}

impl WriteJson for Exception {
    fn write_json(&self, w: &mut Json<'_>) {
        let Exception { ty, value, mechanism, stacktrace } = self;
        w.begin_object();
        w.field_opt(key!("type"), ty);
        w.field_opt(key!("value"), value);
        w.field_opt(key!("mechanism"), mechanism);
        w.field_opt(key!("stacktrace"), stacktrace);
        w.end_object();
    }
}

impl WriteJson for Mechanism {
    fn write_json(&self, w: &mut Json<'_>) {
        let Mechanism { ty, handled, synthetic, source, exception_id, parent_id, is_exception_group, data } = self;
        w.begin_object();
        w.field(key!("type"), ty);
        w.field_opt(key!("handled"), handled);
        w.field_opt(key!("synthetic"), synthetic);
        w.field_opt(key!("source"), source);
        w.field_opt(key!("exception_id"), exception_id);
        w.field_opt(key!("parent_id"), parent_id);
        w.field_opt(key!("is_exception_group"), is_exception_group);
        if !data.is_empty() {
            w.field(key!("data"), data);
        }
        w.end_object();
    }
}

impl WriteJson for Stacktrace {
    fn write_json(&self, w: &mut Json<'_>) {
        let Stacktrace { frames } = self;
        w.begin_object();
        w.field(key!("frames"), frames);
        w.end_object();
    }
}

impl WriteJson for Frame {
    fn write_json(&self, w: &mut Json<'_>) {
        let Frame {
            function,
            raw_function,
            filename,
            abs_path,
            lineno,
            colno,
            in_app,
            platform,
            instruction_addr,
            addr_mode,
            function_id,
        } = self;
        w.begin_object();
        w.field_opt(key!("function"), function);
        w.field_opt(key!("raw_function"), raw_function);
        w.field_opt(key!("filename"), filename);
        w.field_opt(key!("abs_path"), abs_path);
        w.field_opt(key!("lineno"), lineno);
        w.field_opt(key!("colno"), colno);
        w.field_opt(key!("in_app"), in_app);
        w.field_opt(key!("platform"), platform);
        w.field_opt(key!("instruction_addr"), instruction_addr);
        w.field_opt(key!("addr_mode"), addr_mode);
        w.field_opt(key!("function_id"), function_id);
        w.end_object();
    }
}

impl WriteJson for Breadcrumb {
    fn write_json(&self, w: &mut Json<'_>) {
        let Breadcrumb { timestamp, ty, category, message, level, data } = self;
        w.begin_object();
        w.field(key!("timestamp"), timestamp);
        w.field_opt(key!("type"), ty);
        w.field_opt(key!("category"), category);
        w.field_opt(key!("message"), message);
        w.field_opt(key!("level"), level);
        if !data.is_empty() {
            w.field(key!("data"), data);
        }
        w.end_object();
    }
}

impl WriteJson for User {
    fn write_json(&self, w: &mut Json<'_>) {
        let User { id, email, username, ip_address, data } = self;
        w.begin_object();
        w.field_opt(key!("id"), id);
        w.field_opt(key!("email"), email);
        w.field_opt(key!("username"), username);
        w.field_opt(key!("ip_address"), ip_address);
        if !data.is_empty() {
            w.field(key!("data"), data);
        }
        w.end_object();
    }
}

impl WriteJson for Request {
    fn write_json(&self, w: &mut Json<'_>) {
        let Request { url, method, query_string, fragment, headers } = self;
        w.begin_object();
        w.field_opt(key!("url"), url);
        w.field_opt(key!("method"), method);
        w.field_opt(key!("query_string"), query_string);
        w.field_opt(key!("fragment"), fragment);
        if !headers.is_empty() {
            w.field(key!("headers"), headers);
        }
        w.end_object();
    }
}

/// `#[serde(transparent)]`: the map itself.
impl WriteJson for Contexts {
    fn write_json(&self, w: &mut Json<'_>) {
        let Contexts(map) = self;
        map.write_json(w);
    }
}

impl WriteJson for DebugMeta {
    fn write_json(&self, w: &mut Json<'_>) {
        let DebugMeta { images } = self;
        w.begin_object();
        w.field(key!("images"), images);
        w.end_object();
    }
}

impl WriteJson for DebugImage {
    fn write_json(&self, w: &mut Json<'_>) {
        let DebugImage { ty, code_file, code_id, debug_id, debug_file } = self;
        w.begin_object();
        w.field(key!("type"), ty);
        w.field(key!("code_file"), code_file);
        w.field_opt(key!("code_id"), code_id);
        w.field_opt(key!("debug_id"), debug_id);
        w.field_opt(key!("debug_file"), debug_file);
        w.end_object();
    }
}

impl WriteJson for ClientSdkInfo {
    fn write_json(&self, w: &mut Json<'_>) {
        let ClientSdkInfo { name, version, integrations, packages, settings } = self;
        w.begin_object();
        w.field(key!("name"), name);
        w.field(key!("version"), version);
        if !integrations.is_empty() {
            w.field(key!("integrations"), integrations);
        }
        if !packages.is_empty() {
            w.field(key!("packages"), packages);
        }
        w.field_opt(key!("settings"), settings);
        w.end_object();
    }
}

impl WriteJson for SdkSettings {
    fn write_json(&self, w: &mut Json<'_>) {
        let SdkSettings { infer_ip } = self;
        w.begin_object();
        w.field(key!("infer_ip"), infer_ip);
        w.end_object();
    }
}

impl WriteJson for ClientSdkPackage {
    fn write_json(&self, w: &mut Json<'_>) {
        let ClientSdkPackage { name, version } = self;
        w.begin_object();
        w.field(key!("name"), name);
        w.field(key!("version"), version);
        w.end_object();
    }
}

impl WriteJson for ClientReport {
    fn write_json(&self, w: &mut Json<'_>) {
        let ClientReport { timestamp, discarded_events } = self;
        w.begin_object();
        w.field(key!("timestamp"), timestamp);
        w.field(key!("discarded_events"), discarded_events);
        w.end_object();
    }
}

impl WriteJson for DiscardedEvent {
    fn write_json(&self, w: &mut Json<'_>) {
        let DiscardedEvent { reason, category, quantity } = self;
        w.begin_object();
        w.field(key!("reason"), reason);
        w.field(key!("category"), category);
        w.field(key!("quantity"), quantity);
        w.end_object();
    }
}

impl WriteJson for EnvelopeHeaders {
    fn write_json(&self, w: &mut Json<'_>) {
        let EnvelopeHeaders { event_id, sent_at, dsn, sdk } = self;
        w.begin_object();
        w.field_opt(key!("event_id"), event_id);
        w.field_opt(key!("sent_at"), sent_at);
        w.field_opt(key!("dsn"), dsn);
        w.field_opt(key!("sdk"), sdk);
        w.end_object();
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde::Serialize;

    /// Asserts that this writer and serde_json agree on `value`, and returns the JSON.
    fn same<T: WriteJson + Serialize + ?Sized>(value: &T) -> String {
        let ours = to_vec(value);
        let theirs = serde_json::to_vec(value).expect("serde_json");
        assert_eq!(String::from_utf8_lossy(&ours), String::from_utf8_lossy(&theirs));
        assert_eq!(ours, theirs);
        String::from_utf8(ours).expect("utf-8")
    }

    #[test]
    fn every_byte_below_0x80_escapes_as_serde_json() {
        for b in 0u8..0x80 {
            let s = (b as char).to_string();
            same(s.as_str());
            same(format!("a{s}b{s}{s}c").as_str());
        }
        assert_eq!(same("\u{0}\u{1f}\u{7f}"), "\"\\u0000\\u001f\u{7f}\"");
        assert_eq!(same("\u{8}\u{c}\n\r\t"), r#""\b\f\n\r\t""#);
        assert_eq!(same(r#"say "hi" \ bye"#), r#""say \"hi\" \\ bye""#);
    }

    #[test]
    fn non_ascii_is_raw_utf8() {
        for s in ["", "é", "\u{2028}\u{2029}", "😀 emoji", "日本語", "\u{feff}", "a\u{10ffff}"] {
            assert_eq!(same(s), format!("\"{s}\""));
        }
    }

    #[test]
    fn integers_at_their_edges() {
        for n in [0u64, 1, 9, 10, 99, 100, 12_345, u64::from(u32::MAX), u64::MAX - 1, u64::MAX] {
            same(&n);
        }
        for n in [0i64, -1, 1, -9, -10, 10, i64::MIN, i64::MIN + 1, i64::MAX] {
            same(&n);
        }
        for n in [0u32, 7, u32::MAX] {
            same(&n);
        }
        same(&usize::MAX);
        same(&true);
        same(&false);
        same(&Some(3u32));
        same(&None::<u32>);
    }

    #[test]
    fn padded_digits() {
        let pad = |n, width| {
            let mut out = Vec::new();
            Json::new(&mut out).digits(n, width);
            String::from_utf8(out).expect("ascii")
        };
        for (n, width) in [(0, 1), (0, 4), (7, 2), (42, 2), (123, 2), (99_999, 4), (u64::MAX, 20), (u64::MAX, 4)] {
            assert_eq!(pad(n, width), format!("{n:0width$}"));
        }
    }

    #[test]
    fn timestamps_at_calendar_edges() {
        let days = [0u64, 59, 60, 365, 10_957, 11_016, 11_017, 2_932_896, 2_932_897];
        for ms in days.iter().flat_map(|d| [d * 86_400_000, d * 86_400_000 + 86_399_999]) {
            same(&Timestamp(ms));
        }
        for t in [Timestamp(0), Timestamp(1_795_469_269_123), Timestamp::MAX, Timestamp(u64::MAX)] {
            assert_eq!(same(&t), format!("\"{t}\""));
        }
        assert_eq!(same(&Timestamp(951_782_400_000)), "\"2000-02-29T00:00:00.000Z\"");
    }

    #[test]
    fn ids_and_addresses() {
        for bytes in [[0u8; 16], [0xff; 16], *b"0123456789abcdef"] {
            same(&EventId(bytes));
            same(&EventId::from_random_bytes(bytes));
        }
        for n in [0u64, 1, 0xf, 0x10, 0x374e, 0xdead_beef, 1 << 63, u64::MAX] {
            same(&Addr(n));
        }
        assert_eq!(same(&Addr(0)), "\"0x0\"");
    }

    #[test]
    fn levels() {
        for l in [Level::Debug, Level::Info, Level::Warning, Level::Error, Level::Fatal] {
            same(&l);
        }
    }

    #[test]
    fn empty_and_nested_containers_get_commas_right() {
        let mut inner = crate::protocol::SortedMap::new();
        inner.insert("a".to_owned(), Value::Array(vec![]));
        inner.insert("b".to_owned(), Value::Object(crate::protocol::SortedMap::new()));
        inner.insert("c\n\"".to_owned(), Value::Array(vec![Value::Array(vec![Value::Null]), Value::Int(-1)]));
        let value = Value::Array(vec![
            Value::Object(crate::protocol::SortedMap::new()),
            Value::Object(inner.clone()),
            Value::Array(vec![Value::Object(inner), Value::Bool(true)]),
            Value::Float("NaN".into()),
            Value::String(String::new()),
        ]);
        same(&value);
        same(&Vec::<Value>::new());
        same(&crate::protocol::SortedMap::<String>::new());
    }

    #[test]
    fn default_protocol_values() {
        same(&Event::default());
        same(&Exception::default());
        same(&Mechanism::default());
        same(&Frame::default());
        same(&Breadcrumb::default());
        same(&User::default());
        same(&Request::default());
        same(&Contexts::default());
        same(&DebugMeta::default());
        same(&DebugImage::default());
        same(&ClientSdkInfo::default());
        same(&ClientSdkInfo::errorbeacon());
        same(&ClientSdkInfo { settings: Some(SdkSettings::for_pii(false)), ..ClientSdkInfo::errorbeacon() });
        same(&ClientReport::default());
        same(&EnvelopeHeaders::default());
        same(&LogEntry::default());
        same(&Values::<Breadcrumb>::default());
    }

    fn value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::Int),
            any::<String>().prop_map(Value::Float),
            any::<String>().prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 64, 8, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
                prop::collection::btree_map(any::<String>(), inner, 0..8)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn any_string(s in any::<String>()) {
            same(s.as_str());
        }

        #[test]
        fn control_heavy_string(s in "[\\x00-\\x20\"\\\\a\u{7f}\u{2028}\u{2029}é😀]{0,40}") {
            same(s.as_str());
        }

        #[test]
        fn any_value(v in value()) {
            same(&v);
        }

        #[test]
        fn any_timestamp(ms in any::<u64>()) {
            same(&Timestamp(ms));
        }

        #[test]
        fn any_timestamp_rfc3339_can_write(ms in 0..=Timestamp::MAX.0) {
            same(&Timestamp(ms));
        }

        #[test]
        fn any_integers(u in any::<u64>(), i in any::<i64>(), a in any::<u64>(), id in any::<[u8; 16]>()) {
            same(&u);
            same(&i);
            same(&Addr(a));
            same(&EventId(id));
        }
    }
}
