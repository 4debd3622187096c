//! Every input the fuzz targets (fuzz/, scripts/fuzz.sh) ever failed on, kept under
//! `tests/fuzz-regressions/<target>/`, run through the same check (fuzz/checks.rs) on stable.
//! Each target's seeds from the fixtures run too, so that a check itself cannot rot unnoticed.

#[path = "../fuzz/checks.rs"]
mod checks;

use std::path::Path;

fn check(target: &str, data: &[u8]) {
    match target {
        "stack" => checks::stack(data, &|| None),
        "envelope_writer" => checks::envelope_writer(data),
        "envelope_reader" => checks::envelope_reader(data),
        "dsn" => checks::dsn(data),
        "delivery" => checks::delivery(data),
        "rate_limits" => checks::rate_limits(data),
        // The inbox's target: run by inbox/tests/fuzz_regressions.rs (the inbox crate's).
        "inbox" => {}
        other => panic!("tests/fuzz-regressions/{other}: no such fuzz target"),
    }
}

#[test]
fn every_kept_fuzz_input_passes_its_check() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions");
    let mut n = 0;
    for dir in std::fs::read_dir(&root).expect("tests/fuzz-regressions") {
        let dir = dir.expect("entry").path();
        let target = dir.file_name().and_then(|n| n.to_str()).expect("name").to_owned();
        for f in std::fs::read_dir(&dir).expect("target dir") {
            let f = f.expect("entry").path();
            check(&target, &std::fs::read(&f).expect("input"));
            n += 1;
        }
    }
    assert!(n > 0, "no kept inputs under {}", root.display());
}

#[test]
fn the_checks_pass_on_real_inputs() {
    let stacks = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/stacks/chromium/app-a.json");
    let fixture: serde_json::Value = serde_json::from_slice(&std::fs::read(stacks).expect("fixture")).expect("json");
    let cases = fixture["cases"].as_array().expect("cases");
    let stacks: Vec<&str> = cases.iter().filter_map(|c| c["stack"].as_str()).collect();
    assert!(stacks.len() > 10, "{} stacks", stacks.len());
    for stack in stacks {
        checks::stack(stack.as_bytes(), &|| None);
        checks::envelope_writer(["\u{ff}\u{ff}Error\u{ff}boom\u{ff}", stack].concat().as_bytes());
    }
    checks::dsn(b"https://public@errors.example.com/42");
    checks::envelope_reader(
        b"{\"event_id\":\"0123456789abcdef0123456789abcdef\"}\n{\"type\":\"event\",\"length\":2}\n{}\n",
    );
    checks::delivery(&[0, 5, 3, 1, 7, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 3, 3, 2, 1, 0, 0, 0, 0]);
    checks::rate_limits(b"60:error;default:organization:quota, 2.5::key, 1e9:transaction");
}
