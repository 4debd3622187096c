//! Top-level pieces of a JSON array or object that JavaScript wrote (`JSON.stringify` of the
//! scope's breadcrumbs, `extra`, `contexts`): where each element or member starts and ends,
//! so that trimming can leave some out without parsing anything into a tree.

/// The next top-level piece of the array or object `json` at or after `at` (just past the
/// opening bracket, or past a comma): its span, and where the scan goes on. `None` at the end
/// or on input that is not well-formed.
pub(crate) fn next_piece(json: &[u8], at: usize) -> Option<(usize, usize)> {
    let mut i = at;
    // Skip whitespace and the comma before the piece.
    while matches!(json.get(i), Some(b' ' | b'\n' | b'\r' | b'\t' | b',')) {
        i += 1;
    }
    let start = i;
    let mut depth = 0usize;
    let mut in_string = false;
    while let Some(&b) = json.get(i) {
        if in_string {
            match b {
                b'\\' => i += 1,
                b'"' => in_string = false,
                _ => {}
            }
        } else {
            match b {
                b'"' => in_string = true,
                b'{' | b'[' => depth += 1,
                b'}' | b']' if depth == 0 => return (i > start).then_some((start, i)),
                b'}' | b']' => depth -= 1,
                b',' if depth == 0 => return Some((start, i)),
                _ => {}
            }
        }
        i += 1;
    }
    None
}

/// The pieces of an array or object, in order, each handed to `f` with its bytes.
pub(crate) fn each_piece(json: &[u8], f: &mut dyn FnMut(&[u8])) {
    let mut at = 1;
    while let Some((start, end)) = next_piece(json, at) {
        f(json.get(start..end).unwrap_or_default());
        at = end;
    }
}

/// How many pieces an array or object has.
pub(crate) fn count(json: &[u8]) -> usize {
    let mut n = 0;
    each_piece(json, &mut |_| n += 1);
    n
}

// Host tests (fixtures from disk, proptest): not in the wasm-bindgen-test build.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn pieces(json: &str) -> Vec<String> {
        let mut out = Vec::new();
        each_piece(json.as_bytes(), &mut |p| out.push(String::from_utf8_lossy(p).into_owned()));
        out
    }

    #[test]
    fn splits_what_json_stringify_writes() {
        assert_eq!(pieces("[]"), Vec::<String>::new());
        assert_eq!(pieces("{}"), Vec::<String>::new());
        assert_eq!(pieces(r#"[1,"a,]\"}",{"x":[1,2]},null]"#), ["1", r#""a,]\"}""#, r#"{"x":[1,2]}"#, "null"]);
        assert_eq!(pieces(r#"{"a":1,"b\\":{"c":"}"}}"#), [r#""a":1"#, r#""b\\":{"c":"}"}"#]);
        assert_eq!(count(br#"[{"a":1},{"b":2}]"#), 2);
    }

    #[test]
    fn never_reads_past_the_end() {
        for s in ["[", "[\"", "[{", "{\"a\":\"\\", "]", "[1,", "\\"] {
            let _ = pieces(s);
        }
    }
}
