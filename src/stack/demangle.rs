//! Rust symbol demangling, legacy (`_ZN…E`) and v0 (`_R…`), printed without hashes.
//!
//! rustc-demangle does this completely but adds about 11 KB gzipped to the browser module,
//! more than half the module's budget, so this is a compact version. It prints exactly what
//! `format!("{:#}", rustc_demangle::demangle(sym))` prints (the tests compare the two on
//! real symbols), and gives up (`None`) on the rare v0 constructs it does not handle:
//! punycode identifiers and higher-ranked lifetimes (`for<'a>`). Hostile input is bounded in
//! recursion depth and output length.

use crate::text::{decimal, find, from, to};

/// The demangled name, or `None` when `symbol` is not a mangled Rust symbol this can read.
pub(crate) fn demangle(symbol: &str) -> Option<String> {
    let symbol = strip_vendor_suffix(symbol);
    if let Some(rest) =
        symbol.strip_prefix("_ZN").or_else(|| symbol.strip_prefix("__ZN")).or_else(|| symbol.strip_prefix("ZN"))
    {
        return legacy(rest);
    }
    let inner = symbol.strip_prefix("_R").or_else(|| symbol.strip_prefix("__R"))?;
    if !inner.as_bytes().first()?.is_ascii_uppercase() {
        return None;
    }
    let mut p = V0::new(inner.as_bytes(), 0, false);
    p.path(true)?;
    // What may follow is the instantiating crate (not printed) and nothing else.
    if p.peek().is_some_and(|b| b.is_ascii_uppercase()) {
        let mut skip = V0::new(p.sym, p.next, true);
        skip.path(false)?;
        p.next = skip.next;
    }
    (p.next == p.sym.len()).then_some(p.out)
}

/// `.llvm.1234` and similar suffixes that LLVM appends to local symbols.
fn strip_vendor_suffix(s: &str) -> &str {
    match find(s, ".llvm.") {
        Some(i) => to(s, i),
        None => s,
    }
}

const MAX_OUT: usize = 4096;
const MAX_DEPTH: u32 = 64;
/// Grammar steps per symbol. Back-references can make a short symbol expand exponentially;
/// real symbols take a few hundred steps.
const MAX_STEPS: u32 = 4096;

/// `N` length-prefixed components ending in `E`; the last one is dropped when it is the
/// `h` + 16 hex digits hash.
fn legacy(mut rest: &str) -> Option<String> {
    let mut parts = Vec::new();
    loop {
        if let Some(r) = rest.strip_prefix('E') {
            if !r.is_empty() && !r.starts_with('.') {
                return None;
            }
            break;
        }
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let len: usize = to(rest, digits).parse().ok()?;
        let part = rest.get(digits..digits.checked_add(len)?)?;
        if part.is_empty() {
            return None;
        }
        parts.push(part);
        rest = from(rest, digits + len);
    }
    if let Some(last) = parts.last() {
        if parts.len() > 1
            && last.len() == 17
            && last.starts_with('h')
            && last.bytes().skip(1).all(|b| b.is_ascii_hexdigit())
        {
            parts.pop();
        }
    }
    let mut out = String::new();
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.push_str("::");
        }
        unescape_legacy(part, &mut out)?;
    }
    Some(out)
}

/// `$LT$` → `<`, `..` → `::`, `$u20$` → ` `, a leading `_$` → `$`.
fn unescape_legacy(part: &str, out: &mut String) -> Option<()> {
    let mut rest = part.strip_prefix("_$").map_or(part, |r| from(part, part.len() - r.len() - 1));
    while let Some(c) = rest.chars().next() {
        if let Some(r) = rest.strip_prefix("..") {
            out.push_str("::");
            rest = r;
        } else if c == '$' {
            let end = from(rest, 1).find('$')? + 1;
            let esc = crate::text::sub(rest, 1, end);
            let ch = match esc {
                "SP" => '@',
                "BP" => '*',
                "RF" => '&',
                "LT" => '<',
                "GT" => '>',
                "LP" => '(',
                "RP" => ')',
                "C" => ',',
                _ => esc.strip_prefix('u').and_then(|h| u32::from_str_radix(h, 16).ok()).and_then(char::from_u32)?,
            };
            out.push(ch);
            rest = from(rest, end + 1);
        } else {
            out.push(c);
            rest = from(rest, c.len_utf8());
        }
    }
    Some(())
}

/// A v0 parser that prints as it reads (grammar: the Rust symbol-mangling RFC 2603).
struct V0<'a> {
    sym: &'a [u8],
    next: usize,
    depth: u32,
    steps: u32,
    /// Parsing only to find where a part ends (impl paths, which are not printed): then
    /// back-references are not followed, so their cost cannot multiply.
    skipping: bool,
    out: String,
}

impl<'a> V0<'a> {
    fn new(sym: &'a [u8], next: usize, skipping: bool) -> Self {
        V0 { sym, next, depth: 0, steps: 0, skipping, out: String::new() }
    }

    fn peek(&self) -> Option<u8> {
        self.sym.get(self.next).copied()
    }

    fn eat(&mut self, b: u8) -> bool {
        let hit = self.peek() == Some(b);
        if hit {
            self.next += 1;
        }
        hit
    }

    fn bump(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.next += 1;
        Some(b)
    }

    fn push(&mut self, s: &str) -> Option<()> {
        self.out.push_str(s);
        (self.out.len() <= MAX_OUT).then_some(())
    }

    /// `_` is 0; otherwise base-62 digits then `_`, meaning value + 1.
    fn base62(&mut self) -> Option<u64> {
        if self.eat(b'_') {
            return Some(0);
        }
        let mut x = 0u64;
        loop {
            let d = match self.bump()? {
                b @ b'0'..=b'9' => b - b'0',
                b @ b'a'..=b'z' => 10 + b - b'a',
                b @ b'A'..=b'Z' => 36 + b - b'A',
                b'_' => return x.checked_add(1),
                _ => return None,
            };
            x = x.checked_mul(62)?.checked_add(u64::from(d))?;
        }
    }

    /// `s` + base-62 number, or 0 when absent.
    fn disambiguator(&mut self) -> Option<u64> {
        if self.eat(b's') {
            self.base62()?.checked_add(1)
        } else {
            Some(0)
        }
    }

    /// A length-prefixed identifier (punycode ones are not handled).
    fn ident(&mut self) -> Option<&str> {
        if self.peek() == Some(b'u') {
            return None;
        }
        let start = self.next;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.next += 1;
        }
        let len: usize = std::str::from_utf8(self.sym.get(start..self.next)?).ok()?.parse().ok()?;
        if len > 0 && self.sym.get(start) == Some(&b'0') {
            return None;
        }
        self.eat(b'_');
        let s = self.sym.get(self.next..self.next.checked_add(len)?)?;
        self.next += len;
        std::str::from_utf8(s).ok()
    }

    /// Runs `f` with the parser moved to the backref target, then restores the position.
    fn backref(&mut self, f: impl FnOnce(&mut Self) -> Option<()>) -> Option<()> {
        let at = self.next.checked_sub(1)?;
        let target = usize::try_from(self.base62()?).ok()?;
        if target >= at {
            return None;
        }
        if self.skipping {
            return Some(());
        }
        let resume = self.next;
        self.next = target;
        f(self)?;
        self.next = resume;
        Some(())
    }

    fn enter(&mut self) -> Option<()> {
        self.depth += 1;
        self.steps += 1;
        (self.depth <= MAX_DEPTH && self.steps <= MAX_STEPS).then_some(())
    }

    fn path(&mut self, in_value: bool) -> Option<()> {
        self.enter()?;
        match self.bump()? {
            b'C' => {
                self.disambiguator()?;
                let name = self.ident()?.to_owned();
                self.push(&name)?;
            }
            b'N' => {
                let ns = self.bump()?;
                self.path(in_value)?;
                let dis = self.disambiguator()?;
                let name = self.ident()?.to_owned();
                if ns.is_ascii_uppercase() {
                    self.push("::{")?;
                    self.push(match ns {
                        b'C' => "closure",
                        b'S' => "shim",
                        _ => return None,
                    })?;
                    if !name.is_empty() {
                        self.push(":")?;
                        self.push(&name)?;
                    }
                    self.push("#")?;
                    self.push(&decimal(dis))?;
                    self.push("}")?;
                } else if ns.is_ascii_lowercase() {
                    if !name.is_empty() {
                        self.push("::")?;
                        self.push(&name)?;
                    }
                } else {
                    return None;
                }
            }
            tag @ (b'M' | b'X' | b'Y') => {
                if tag != b'Y' {
                    self.disambiguator()?;
                    let mut skip = V0::new(self.sym, self.next, true);
                    skip.depth = self.depth;
                    skip.path(false)?;
                    self.next = skip.next;
                    self.steps += skip.steps;
                    if self.steps > MAX_STEPS {
                        return None;
                    }
                }
                self.push("<")?;
                self.ty()?;
                if tag != b'M' {
                    self.push(" as ")?;
                    self.path(false)?;
                }
                self.push(">")?;
            }
            b'I' => {
                self.path(in_value)?;
                if in_value {
                    self.push("::")?;
                }
                self.push("<")?;
                let mut first = true;
                while !self.eat(b'E') {
                    if !first {
                        self.push(", ")?;
                    }
                    first = false;
                    self.generic_arg()?;
                }
                self.push(">")?;
            }
            b'B' => self.backref(|p| p.path(in_value))?,
            _ => return None,
        }
        self.depth -= 1;
        Some(())
    }

    fn generic_arg(&mut self) -> Option<()> {
        if self.eat(b'L') {
            return self.lifetime();
        }
        if self.eat(b'K') {
            return self.konst();
        }
        self.ty()
    }

    /// Only the erased lifetime (`'_`) appears without a binder; bound ones are not handled.
    fn lifetime(&mut self) -> Option<()> {
        match self.base62()? {
            0 => self.push("'_"),
            _ => None,
        }
    }

    fn ty(&mut self) -> Option<()> {
        self.enter()?;
        let tag = self.bump()?;
        if let Some(name) = basic_type(tag) {
            self.push(name)?;
            self.depth -= 1;
            return Some(());
        }
        match tag {
            b'R' | b'Q' => {
                self.push(if tag == b'R' { "&" } else { "&mut " })?;
                if self.eat(b'L') && self.base62()? != 0 {
                    return None;
                }
                self.ty()?;
            }
            b'P' => {
                self.push("*const ")?;
                self.ty()?;
            }
            b'O' => {
                self.push("*mut ")?;
                self.ty()?;
            }
            b'A' => {
                self.push("[")?;
                self.ty()?;
                self.push("; ")?;
                self.konst()?;
                self.push("]")?;
            }
            b'S' => {
                self.push("[")?;
                self.ty()?;
                self.push("]")?;
            }
            b'T' => {
                self.push("(")?;
                let mut n = 0;
                while !self.eat(b'E') {
                    if n > 0 {
                        self.push(", ")?;
                    }
                    self.ty()?;
                    n += 1;
                }
                if n == 1 {
                    self.push(",")?;
                }
                self.push(")")?;
            }
            b'F' => self.fn_sig()?,
            b'D' => self.dyn_bounds()?,
            b'B' => self.backref(|p| p.ty())?,
            _ => {
                self.next -= 1;
                self.path(false)?;
            }
        }
        self.depth -= 1;
        Some(())
    }

    fn fn_sig(&mut self) -> Option<()> {
        if self.peek() == Some(b'G') {
            return None;
        }
        if self.eat(b'U') {
            self.push("unsafe ")?;
        }
        if self.eat(b'K') {
            let abi = if self.eat(b'C') { "C".to_owned() } else { self.ident()?.replace('_', "-") };
            self.push("extern \"")?;
            self.push(&abi)?;
            self.push("\" ")?;
        }
        self.push("fn(")?;
        let mut first = true;
        while !self.eat(b'E') {
            if !first {
                self.push(", ")?;
            }
            first = false;
            self.ty()?;
        }
        self.push(")")?;
        if self.eat(b'u') {
            return Some(());
        }
        self.push(" -> ")?;
        self.ty()
    }

    fn dyn_bounds(&mut self) -> Option<()> {
        if self.peek() == Some(b'G') {
            return None;
        }
        self.push("dyn ")?;
        let mut first = true;
        while !self.eat(b'E') {
            if !first {
                self.push(" + ")?;
            }
            first = false;
            self.path(false)?;
            if self.peek() == Some(b'p') {
                return None;
            }
        }
        if !self.eat(b'L') || self.base62()? != 0 {
            return None;
        }
        Some(())
    }

    /// A const generic argument: integer, bool, char, or `_` (placeholder).
    fn konst(&mut self) -> Option<()> {
        if self.eat(b'p') {
            return self.push("_");
        }
        if self.eat(b'B') {
            return self.backref(|p| p.konst());
        }
        let ty = self.bump()?;
        let negative = matches!(ty, b'a' | b's' | b'l' | b'x' | b'n' | b'i') && self.eat(b'n');
        let start = self.next;
        while self.peek().is_some_and(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()) {
            self.next += 1;
        }
        let hex = std::str::from_utf8(self.sym.get(start..self.next)?).ok()?;
        if !self.eat(b'_') || hex.len() > 16 {
            return None;
        }
        let v = if hex.is_empty() { 0 } else { u64::from_str_radix(hex, 16).ok()? };
        let text = match ty {
            b'h' | b't' | b'm' | b'y' | b'o' | b'j' | b'a' | b's' | b'l' | b'x' | b'n' | b'i' => {
                let sign = if negative { "-" } else { "" };
                sign.to_owned() + &decimal(v)
            }
            b'b' => match v {
                0 => "false".into(),
                1 => "true".into(),
                _ => return None,
            },
            // Plain printable ASCII only: other chars would need `char::escape_debug`, whose
            // Unicode tables cost more than such rare symbols are worth.
            b'c' => match u8::try_from(v).ok().filter(|c| (0x20..0x7f).contains(c) && !matches!(c, b'\'' | b'\\')) {
                Some(c) => ['\'', char::from(c), '\''].iter().collect(),
                None => return None,
            },
            _ => return None,
        };
        self.push(&text)
    }
}

fn basic_type(tag: u8) -> Option<&'static str> {
    Some(match tag {
        b'a' => "i8",
        b'b' => "bool",
        b'c' => "char",
        b'd' => "f64",
        b'e' => "str",
        b'f' => "f32",
        b'h' => "u8",
        b'i' => "isize",
        b'j' => "usize",
        b'l' => "i32",
        b'm' => "u32",
        b'n' => "i128",
        b'o' => "u128",
        b's' => "i16",
        b't' => "u16",
        b'u' => "()",
        b'v' => "...",
        b'x' => "i64",
        b'y' => "u64",
        b'z' => "!",
        b'p' => "_",
        _ => return None,
    })
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    /// Real symbols from rustc 1.95 (a small crate built with legacy and v0 mangling, and the
    /// std it pulled in), demangled here and by rustc-demangle.
    #[test]
    fn agrees_with_rustc_demangle_on_real_symbols() {
        let corpus = include_str!("../../tests/fixtures/symbols.txt");
        let (mut same, mut declined) = (0, 0);
        for sym in corpus.lines().filter(|l| !l.is_empty()) {
            let reference = format!("{:#}", rustc_demangle::demangle(sym));
            match demangle(sym) {
                Some(ours) => {
                    assert_eq!(ours, reference, "{sym}");
                    same += 1;
                }
                None => declined += 1,
            }
        }
        println!("demangled {same} symbols like rustc-demangle, declined {declined}");
        assert!(same >= 430 && declined <= 5, "same {same}, declined {declined}");
    }

    #[test]
    fn legacy_escapes_and_hash() {
        assert_eq!(
            demangle("_ZN4core9panicking9panic_fmt17h0123456789abcdefE").as_deref(),
            Some("core::panicking::panic_fmt")
        );
        assert_eq!(
            demangle(
                "_ZN70_$LT$alloc..vec..Vec$LT$T$C$A$GT$$u20$as$u20$core..ops..drop..Drop$GT$4drop17h0123456789abcdefE"
            )
            .as_deref(),
            Some("<alloc::vec::Vec<T,A> as core::ops::drop::Drop>::drop")
        );
    }

    #[test]
    fn hostile_symbols_are_declined_not_crashed() {
        for s in ["_R", "_RNvC", "_RB_", "_RBz_", "_ZN99999999999999999999E", "_ZN3abc", "_RNvCu3abc1x", "_ZN1$E"] {
            assert_eq!(demangle(s), None, "{s}");
        }
        // Back-references that point at themselves or forward must not loop.
        assert_eq!(demangle("_RNvB0_1a"), None);
        let deep = format!("_R{}Cs_1a{}", "INv".repeat(200), "E".repeat(200));
        assert_eq!(demangle(&deep), None);
    }
}
