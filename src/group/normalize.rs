//! The normalizers that make fingerprint components stable: function names (one spelling for
//! V8, SpiderMonkey and JavaScriptCore), paths (no origin, query, fragment or content hash),
//! exception types and messages (no numbers, ids or hex).

/// What a function name is, once engine decorations are gone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FunctionName {
    /// No usable name: none printed, or a name engines give to anonymous code.
    Anonymous,
    /// The name, normalized.
    Named(String),
}

/// Normalizes a JavaScript function name so that V8 and SpiderMonkey agree:
///
/// | engine text | normalized |
/// | --- | --- |
/// | `Foo.bar`, `async Foo.bar`, `Object.bar [as run]`, `Foo.prototype.bar`, `bar` | `bar` |
/// | `new Foo` (V8), `Foo` (SpiderMonkey) | `Foo` |
/// | `outer/inner` (SpiderMonkey's name for an inner function) | `inner` |
/// | `outer/<`, `outer/x<` (SpiderMonkey: anonymous function inside `outer`) | anonymous |
/// | `eval`, `anonymous` (`new Function`), `<anonymous>`, `?` | anonymous |
/// | `get subtotal` (both engines) | `get subtotal` |
///
/// Rust names (with `::`, from wasm frames) keep their path but lose the module prefix
/// (`app.wasm.`), the legacy hash (`::h0123…`) and crate disambiguators (`std[a1b2…]`).
pub fn function_name(name: Option<&str>) -> FunctionName {
    let Some(name) = name.map(str::trim).filter(|n| !n.is_empty()) else {
        return FunctionName::Anonymous;
    };
    if name.contains("::") {
        return FunctionName::Named(rust_name(name));
    }
    let mut n = name;
    for prefix in ["async ", "new "] {
        if let Some(rest) = n.strip_prefix(prefix) {
            n = rest.trim_start();
        }
    }
    // V8's method alias: `Object.f [as run]`.
    if let Some(i) = n.find(" [as ") {
        n = n.get(..i).unwrap_or(n);
    }
    if n.ends_with('<') {
        return FunctionName::Anonymous;
    }
    if let Some(i) = n.rfind('/') {
        n = n.get(i + 1..).unwrap_or(n);
    }
    // Accessors keep their keyword; the property is what follows the last dot.
    let (keyword, path) = match n.split_once(' ') {
        Some((k @ ("get" | "set"), rest)) => (Some(k), rest),
        _ => (None, n),
    };
    let last = path.rsplit('.').find(|s| !s.is_empty()).unwrap_or(path);
    if matches!(last, "" | "eval" | "anonymous" | "<anonymous>" | "?" | "<unknown>") {
        return FunctionName::Anonymous;
    }
    FunctionName::Named(match keyword {
        Some(k) => [k, " ", last].concat(),
        None => last.to_owned(),
    })
}

/// `app.wasm.crate::f::h0123456789abcdef` → `crate::f`; `std[a1b2c3d4]::x` → `std::x`.
fn rust_name(name: &str) -> String {
    let name = match name.find(".wasm.") {
        Some(i) if !name.get(..i).unwrap_or("").contains("::") => name.get(i + ".wasm.".len()..).unwrap_or(name),
        _ => name,
    };
    let mut out = String::with_capacity(name.len());
    let mut rest = name;
    while let Some(open) = rest.find('[') {
        let after = rest.get(open + 1..).unwrap_or("");
        match after.find(']') {
            Some(close)
                if close > 0 && after.get(..close).is_some_and(|h| h.bytes().all(|b| b.is_ascii_hexdigit())) =>
            {
                out.push_str(rest.get(..open).unwrap_or(""));
                rest = after.get(close + 1..).unwrap_or("");
            }
            _ => {
                out.push_str(rest.get(..open + 1).unwrap_or(""));
                rest = after;
            }
        }
    }
    out.push_str(rest);
    // Legacy mangling hashes: `::h` + 16 hex digits, at the end or before a suffix.
    let mut cleaned = String::with_capacity(out.len());
    let mut rest = out.as_str();
    while let Some(i) = rest.find("::h") {
        let hash = rest.get(i + 3..i + 19);
        let next = rest.get(i + 19..i + 20);
        let is_hash = hash.is_some_and(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
            && next.is_none_or(|c| !c.bytes().any(|b| b.is_ascii_alphanumeric() || b == b'_'));
        if is_hash {
            cleaned.push_str(rest.get(..i).unwrap_or(""));
            rest = rest.get(i + 19..).unwrap_or("");
        } else {
            cleaned.push_str(rest.get(..i + 3).unwrap_or(""));
            rest = rest.get(i + 3..).unwrap_or("");
        }
    }
    cleaned.push_str(rest);
    cleaned
}

/// Normalizes a frame's path or module for grouping:
///
/// - origin gone: `http://localhost:5173/src/app.js` and `https://x.com/src/app.js` are both
///   `src/app.js` (the same code served from dev and prod servers, or two ports);
/// - query string and fragment gone (`app.js?v=3#x`);
/// - content hashes in the file name gone: `app.3f9a1c2b.js`, `main-BxK9q2.js` → `app.js`,
///   `main.js` (a parts between `.`, `-` or `_` of five or more letters and digits with at least
///   one digit, or eight or more hex digits, that is not the first part);
/// - code evaluated from a string (`<anonymous>`, Firefox's `app.js line 4 > eval` or
///   `> Function`) is `<eval>`; `blob:` URLs (a random UUID per page load) are `<blob>` and
///   `data:` URLs `<data>`.
pub fn path(path: &str) -> String {
    let p = path.trim();
    if p == "<anonymous>" || p.contains(" > eval") || p.contains(" > Function") {
        return "<eval>".to_owned();
    }
    // Object URLs name a blob by a random UUID per page load; data URLs carry the code itself.
    if p.starts_with("blob:") {
        return "<blob>".to_owned();
    }
    if p.starts_with("data:") {
        return "<data>".to_owned();
    }
    let p = match p.find(['?', '#']) {
        Some(i) => p.get(..i).unwrap_or(p),
        None => p,
    };
    let p = match p.find("://") {
        Some(i) => {
            let after = p.get(i + 3..).unwrap_or("");
            match after.find('/') {
                Some(j) => after.get(j + 1..).unwrap_or(""),
                None => "",
            }
        }
        None => p,
    };
    let p = p.trim_start_matches('/');
    let (dir, file) = match p.rfind('/') {
        Some(i) => (p.get(..i + 1).unwrap_or(""), p.get(i + 1..).unwrap_or("")),
        None => ("", p),
    };
    [dir, &strip_file_hashes(file)].concat()
}

/// `main.3f9a1c2b.js` → `main.js`: drops hash-like parts (with the separator before them)
/// between the first part and the extension.
fn strip_file_hashes(file: &str) -> String {
    let mut out = String::with_capacity(file.len());
    let mut sep_before = "";
    let mut first = true;
    let mut rest = file;
    loop {
        let (part, sep, next) = match rest.find(['.', '-', '_']) {
            Some(i) => (rest.get(..i).unwrap_or(""), rest.get(i..i + 1).unwrap_or(""), rest.get(i + 1..).unwrap_or("")),
            None => (rest, "", ""),
        };
        let last = sep.is_empty();
        if first || last || !looks_like_hash(part) {
            out.push_str(sep_before);
            out.push_str(part);
        }
        first = false;
        if last {
            break;
        }
        sep_before = sep;
        rest = next;
    }
    out
}

fn looks_like_hash(part: &str) -> bool {
    let alnum = part.bytes().all(|b| b.is_ascii_alphanumeric());
    let digits = part.bytes().any(|b| b.is_ascii_digit());
    let hex = part.bytes().all(|b| b.is_ascii_hexdigit());
    alnum && ((part.len() >= 8 && hex) || (part.len() >= 5 && digits))
}

/// Normalizes an exception type. SpiderMonkey's `InternalError: too much recursion` is V8's
/// `RangeError: Maximum call stack size exceeded`: the one type the engines name differently
/// for the same error.
pub fn exception_type(ty: Option<&str>, value: Option<&str>) -> String {
    match ty.map(str::trim).filter(|t| !t.is_empty()) {
        Some("InternalError") if value.is_some_and(|v| v.contains("too much recursion")) => "RangeError".to_owned(),
        Some(t) => t.to_owned(),
        None => "Error".to_owned(),
    }
}

/// Normalizes a message so that variable parts do not split an issue: UUIDs become `<uuid>`,
/// `0x…` and runs of eight or more hex digits `<hex>`, other digit runs `<int>`, and words of
/// sixteen or more letters and digits with at least one digit (tokens, ids) `<id>`.
///
/// `"User 4521 not found (req 3f2a9c1e7b)"` → `"User <int> not found (req <hex>)"`.
pub fn message(msg: &str) -> String {
    let mut out = String::with_capacity(msg.len());
    let mut rest = msg;
    while let Some(c) = rest.chars().next() {
        if !c.is_ascii_alphanumeric() {
            out.push(c);
            rest = rest.get(c.len_utf8()..).unwrap_or("");
            continue;
        }
        if let Some(len) = uuid_len(rest) {
            out.push_str("<uuid>");
            rest = rest.get(len..).unwrap_or("");
            continue;
        }
        let word_len = rest.bytes().take_while(u8::is_ascii_alphanumeric).count();
        let word = rest.get(..word_len).unwrap_or("");
        rest = rest.get(word_len..).unwrap_or("");
        let digits = word.bytes().any(|b| b.is_ascii_digit());
        let replacement = if word.len() > 2
            && (word.starts_with("0x") || word.starts_with("0X"))
            && word.bytes().skip(2).all(|b| b.is_ascii_hexdigit())
        {
            Some("<hex>")
        } else if word.bytes().all(|b| b.is_ascii_digit()) {
            Some("<int>")
        } else if digits && word.len() >= 8 && word.bytes().all(|b| b.is_ascii_hexdigit()) {
            Some("<hex>")
        } else if digits && word.len() >= 16 {
            Some("<id>")
        } else {
            None
        };
        out.push_str(replacement.unwrap_or(word));
    }
    out
}

/// The length of a UUID (8-4-4-4-12 hex digits) at the start of `s`.
fn uuid_len(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut i = 0;
    for (n, group) in [8usize, 4, 4, 4, 12].iter().enumerate() {
        if n > 0 {
            if b.get(i) != Some(&b'-') {
                return None;
            }
            i += 1;
        }
        for _ in 0..*group {
            if !b.get(i)?.is_ascii_hexdigit() {
                return None;
            }
            i += 1;
        }
    }
    (!b.get(i).is_some_and(u8::is_ascii_alphanumeric)).then_some(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(name: &str) -> String {
        match function_name(Some(name)) {
            FunctionName::Named(n) => n,
            FunctionName::Anonymous => "<anon>".to_owned(),
        }
    }

    #[test]
    fn v8_and_gecko_function_names_agree() {
        for (v8, gecko) in [
            ("ShoppingCart.indexOfSku", "indexOfSku"),
            ("Object.scenarioNamedChain [as run]", "scenarioNamedChain"),
            ("new ShoppingCart", "ShoppingCart"),
            ("async Foo.bar", "Foo.prototype.bar"),
            ("Object.bar", "bar"),
            ("get subtotal", "get subtotal"),
            ("eval", "anonymous"),
            ("", "priceWithAnonymous/price<"),
            ("", "validateEach/<"),
            ("inner", "outer/inner"),
        ] {
            assert_eq!(f(v8), f(gecko), "{v8} vs {gecko}");
        }
        assert_eq!(f("Object.scenarioNamedChain [as run]"), "scenarioNamedChain");
        assert_eq!(function_name(None), FunctionName::Anonymous);
    }

    #[test]
    fn rust_names_lose_hashes_and_prefixes() {
        assert_eq!(f("stackfix_wasm.wasm.stackfix_wasm::alpha_inner::hb5ab39174e8490f7"), "stackfix_wasm::alpha_inner");
        assert_eq!(f("stackfix_wasm::alpha_inner"), "stackfix_wasm::alpha_inner");
        assert_eq!(f("std[a543996e6e7dbf1e]::panicking::panic_with_hook"), "std::panicking::panic_with_hook");
        assert_eq!(f("a::hello"), "a::hello");
    }

    #[test]
    fn paths_lose_origin_query_and_hashes() {
        assert_eq!(path("http://localhost:5173/src/app.js"), "src/app.js");
        assert_eq!(path("https://x.com/src/app.js?v=3#top"), "src/app.js");
        assert_eq!(path("https://x.com/static/js/app.3f9a1c2b.js"), "static/js/app.js");
        assert_eq!(path("/assets/main-BxK9q2.js"), "assets/main.js");
        assert_eq!(path("chunk-vendors.3f9a1c2b.js"), "chunk-vendors.js");
        assert_eq!(path("jquery-3.6.0.min.js"), "jquery-3.6.0.min.js");
        assert_eq!(path("app-a/src/cart-v2.js"), "app-a/src/cart-v2.js");
        assert_eq!(path("http://h/app.js line 41 > eval"), "<eval>");
        assert_eq!(path("<anonymous>"), "<eval>");
        assert_eq!(path("myapp/views.py"), "myapp/views.py");
        assert_eq!(path("http://h"), "");
        assert_eq!(path("blob:http://h/08b663fe-8a4d-4695-9407-6af1bd689e66"), "<blob>");
    }

    #[test]
    fn messages_lose_variable_parts() {
        assert_eq!(message("User 4521 not found (req 3f2a9c1e7b)"), "User <int> not found (req <hex>)");
        assert_eq!(message("order fc6d8c0c-43fc-4630-ad85-0b6c6a5a1eb8 failed"), "order <uuid> failed");
        assert_eq!(message("bad ptr 0xdeadbeef"), "bad ptr <hex>");
        assert_eq!(message("token abc123def456ghi789 expired"), "token <id> expired");
        assert_eq!(message("x is undefined"), "x is undefined");
        assert_eq!(message("ünïcode 12 ✓"), "ünïcode <int> ✓");
    }

    #[test]
    fn recursion_types_agree() {
        assert_eq!(exception_type(Some("InternalError"), Some("too much recursion")), "RangeError");
        assert_eq!(exception_type(Some("TypeError"), None), "TypeError");
        assert_eq!(exception_type(None, Some("x")), "Error");
    }
}
