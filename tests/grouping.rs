//! Grouping on real stacks: the same program run in Chromium and Firefox
//! (`tests/fixtures/stacks/{chromium,firefox}/app-a*.json`) must give one issue per scenario,
//! and different scenarios (different crash sites) must give different issues.

use errorbeacon::group::{group, GroupException, GroupFrame, GroupInput};
use errorbeacon::{parse_stack, Frame};
use serde_json::Value;
use std::collections::BTreeMap;

fn load(path: &str) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// scenario → (exception type, message, parsed frames), for cases whose stack has frames.
fn cases(path: &str) -> BTreeMap<String, (String, String, Vec<Frame>)> {
    let file = load(path);
    let mut out = BTreeMap::new();
    for case in file["cases"].as_array().into_iter().flatten() {
        let Some(stack) = case["stack"].as_str() else { continue };
        let frames = parse_stack(stack);
        if frames.is_empty() {
            continue;
        }
        let scenario = case["scenario"].as_str().unwrap_or_default().to_owned();
        let ty = case["name"].as_str().unwrap_or("Error").to_owned();
        let msg = case["message"].as_str().unwrap_or_default().to_owned();
        out.insert(scenario, (ty, msg, frames));
    }
    out
}

fn hash(ty: &str, msg: &str, frames: &[Frame]) -> (String, Vec<String>) {
    let addrs: Vec<Option<String>> =
        frames.iter().map(|f| f.instruction_addr.map(|a| format!("0x{:x}", a.0))).collect();
    let gframes = frames
        .iter()
        .zip(&addrs)
        .map(|(f, a)| GroupFrame {
            function: f.function.as_deref(),
            module: None,
            filename: f.filename.as_deref(),
            abs_path: f.abs_path.as_deref(),
            in_app: f.in_app,
            instruction_addr: a.as_deref(),
        })
        .collect();
    let input = GroupInput {
        exceptions: vec![GroupException { ty: Some(ty), value: Some(msg), frames: gframes }],
        ..Default::default()
    };
    let g = group(&input);
    (g.hash, g.components)
}

fn pair(chromium: &str, firefox: &str) {
    let c = cases(chromium);
    let f = cases(firefox);
    let mut failures = Vec::new();
    let mut compared = 0;
    for (scenario, (cty, cmsg, cframes)) in &c {
        let Some((fty, fmsg, fframes)) = f.get(scenario) else { continue };
        compared += 1;
        let (ch, cc) = hash(cty, cmsg, cframes);
        let (fh, fc) = hash(fty, fmsg, fframes);
        if ch != fh {
            failures.push(format!("{scenario}: chromium {cc:?} vs firefox {fc:?}"));
        }
    }
    assert!(compared >= 20, "only {compared} scenarios in both files");
    assert!(failures.is_empty(), "{} of {compared} scenarios split:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn chromium_and_firefox_sources_group_alike() {
    pair("tests/fixtures/stacks/chromium/app-a.json", "tests/fixtures/stacks/firefox/app-a.json");
    pair("tests/fixtures/stacks/chromium/app-a.stl50.json", "tests/fixtures/stacks/firefox/app-a.json");
}

#[test]
fn chromium_and_firefox_minified_bundles_group_alike() {
    pair("tests/fixtures/stacks/chromium/app-a.min.json", "tests/fixtures/stacks/firefox/app-a.min.json");
}

#[test]
fn different_scenarios_are_different_issues() {
    for path in ["tests/fixtures/stacks/chromium/app-a.json", "tests/fixtures/stacks/firefox/app-a.json"] {
        let mut by_hash: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (scenario, (ty, msg, frames)) in cases(path) {
            // The wasm variants (names/stripped × streaming/bytes) are one program; only
            // the base scenario counts as a crash site.
            let base = scenario.split('@').next().unwrap_or_default().to_owned();
            let (h, _) = hash(&ty, &msg, &frames);
            let v = by_hash.entry(h).or_default();
            if !v.contains(&base) {
                v.push(base);
            }
        }
        // `constructor` and `static-method` throw the same TypeError at the same place
        // (cart.js:34:39, the ShoppingCart constructor) from two callers: one crash site, so
        // one issue by design (docs/grouping.md). Every other scenario is its own issue.
        let merged: Vec<_> = by_hash.values().filter(|v| v.len() > 1).collect();
        assert_eq!(merged, vec![&vec!["constructor".to_owned(), "static-method".to_owned()]], "{path}");
    }
}
