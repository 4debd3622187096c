//! Every real captured stack in `tests/fixtures/stacks/` parses to exactly its
//! `expected_frames` (see `tests/fixtures/README.md`), engine by engine.
//!
//! `function` in the fixtures is the name exactly as the engine printed it; errorbeacon keeps
//! that text in `raw_function` when it shows a cleaned (demangled) name in `function`.

use errorbeacon::{parse_stack, Frame};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Default)]
struct Tally {
    passed: usize,
    failed: usize,
    no_truth: usize,
}

fn field<'a>(v: &'a Value, k: &str) -> Option<&'a Value> {
    v.get(k).filter(|x| !x.is_null())
}

fn compare(expected: &[Value], got: &[Frame]) -> Result<(), String> {
    if expected.len() != got.len() {
        return Err(format!("{} frames expected, {} parsed: {:#?}", expected.len(), got.len(), got));
    }
    for (i, (e, g)) in expected.iter().zip(got).enumerate() {
        let name = g.raw_function.as_deref().or(g.function.as_deref());
        let want_name = field(e, "function").and_then(Value::as_str);
        let want_path = field(e, "abs_path").and_then(Value::as_str);
        let want_line = field(e, "lineno").and_then(Value::as_u64).map(|n| n as u32);
        let want_col = field(e, "colno").and_then(Value::as_u64).map(|n| n as u32);
        let in_wasm = field(e, "in_wasm").and_then(Value::as_bool).unwrap_or(false);
        let mut diffs = Vec::new();
        if name != want_name {
            diffs.push(format!("function {name:?} != {want_name:?}"));
        }
        if g.abs_path.as_deref() != want_path {
            diffs.push(format!("abs_path {:?} != {want_path:?}", g.abs_path));
        }
        if g.lineno != want_line || g.colno != want_col {
            diffs.push(format!("line:col {:?}:{:?} != {want_line:?}:{want_col:?}", g.lineno, g.colno));
        }
        if g.is_wasm() != in_wasm {
            diffs.push(format!("wasm {} != {in_wasm}", g.is_wasm()));
        }
        if in_wasm {
            let addr = g.instruction_addr.map(|a| a.to_string());
            let want_addr = field(e, "instruction_addr").and_then(Value::as_str).map(str::to_owned);
            if addr != want_addr {
                diffs.push(format!("instruction_addr {addr:?} != {want_addr:?}"));
            }
            let index = g.function_id.map(|a| a.0);
            let want_index = field(e, "wasm_function_index").and_then(Value::as_u64);
            if index != want_index {
                diffs.push(format!("function index {index:?} != {want_index:?}"));
            }
        }
        if !diffs.is_empty() {
            return Err(format!("frame {i}: {}", diffs.join("; ")));
        }
    }
    Ok(())
}

/// Checks one case record and its `cause` / `errors` records.
fn check_record(id: &str, record: &Value, tally: &mut Tally, failures: &mut Vec<String>) {
    match record.get("expected_frames").and_then(Value::as_array) {
        None => tally.no_truth += 1,
        Some(expected) => {
            let stack = record.get("stack").and_then(Value::as_str).unwrap_or("");
            match compare(expected, &parse_stack(stack)) {
                Ok(()) => tally.passed += 1,
                Err(e) => {
                    tally.failed += 1;
                    failures.push(format!("{id}: {e}"));
                }
            }
        }
    }
    if let Some(cause) = field(record, "cause") {
        check_record(&format!("{id} (cause)"), cause, tally, failures);
    }
    for (i, child) in record.get("errors").and_then(Value::as_array).into_iter().flatten().enumerate() {
        check_record(&format!("{id} (errors[{i}])"), child, tally, failures);
    }
}

#[test]
fn every_fixture_stack_parses_to_its_expected_frames() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/stacks");
    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    let mut failures = Vec::new();
    let mut files = 0;
    for engine_dir in std::fs::read_dir(&root).expect("fixtures dir") {
        let engine_dir = engine_dir.expect("entry").path();
        for file in std::fs::read_dir(&engine_dir).expect("engine dir") {
            let file = file.expect("entry").path();
            let doc: Value = serde_json::from_slice(&std::fs::read(&file).expect("read")).expect("json");
            files += 1;
            let engine = doc["engine"].as_str().expect("engine").to_owned();
            let tally = tallies.entry(engine).or_default();
            for case in doc["cases"].as_array().expect("cases") {
                let id = case["id"].as_str().unwrap_or("?");
                check_record(id, case, tally, &mut failures);
            }
        }
    }
    assert!(files >= 10, "expected the fixture corpus, found {files} files");
    println!("{:<10} {:>7} {:>7} {:>9}", "engine", "passed", "failed", "no truth");
    for (engine, t) in &tallies {
        println!("{engine:<10} {:>7} {:>7} {:>9}", t.passed, t.failed, t.no_truth);
    }
    let passed: usize = tallies.values().map(|t| t.passed).sum();
    println!("fixture records: {passed} passed, {} failed", failures.len());
    assert!(failures.is_empty(), "{} mismatches:\n{}", failures.len(), failures.join("\n\n"));
}

/// Cases without established truth must still parse without trouble, into frames that each
/// say something.
#[test]
fn cases_without_truth_still_parse() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/stacks");
    for engine_dir in std::fs::read_dir(&root).expect("fixtures dir") {
        for file in std::fs::read_dir(engine_dir.expect("entry").path()).expect("engine dir") {
            let doc: Value =
                serde_json::from_slice(&std::fs::read(file.expect("entry").path()).expect("read")).expect("json");
            for case in doc["cases"].as_array().expect("cases") {
                if let Some(stack) = case.get("stack").and_then(Value::as_str) {
                    let frames = parse_stack(stack);
                    let lines = stack.lines().filter(|l| l.trim_start().starts_with("at ") || l.contains('@')).count();
                    assert!(frames.len() <= lines.max(1), "{}: {} frames from {lines} lines", case["id"], frames.len());
                }
            }
        }
    }
}
