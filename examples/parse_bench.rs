//! Native throughput of `parse_stack` over the fixture corpus (a profiling aid; the
//! published numbers come from `scripts/bench.sh`, which runs the wasm build in Node).
use std::time::Instant;

fn main() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/stacks");
    let mut stacks = Vec::new();
    for engine in std::fs::read_dir(&root).expect("fixtures") {
        for file in std::fs::read_dir(engine.expect("entry").path()).expect("dir") {
            let doc: serde_json::Value =
                serde_json::from_slice(&std::fs::read(file.expect("entry").path()).expect("read")).expect("json");
            for case in doc["cases"].as_array().expect("cases") {
                if let Some(s) = case["stack"].as_str() {
                    stacks.push(s.to_owned());
                }
            }
        }
    }
    let rounds: usize = std::env::var("ROUNDS").ok().and_then(|r| r.parse().ok()).unwrap_or(2000);
    let owned = std::env::var_os("OWNED").is_some();
    // The npm module's path: frames written as JSON into one reused buffer.
    let mut out = errorbeacon::write::Out::new(1 << 20);
    let bounds = errorbeacon::FrameBounds { frames: 250, chars: 1024 };
    let start = Instant::now();
    let mut frames = 0;
    for _ in 0..rounds {
        for s in &stacks {
            frames += if owned {
                errorbeacon::parse_stack(s).len()
            } else {
                out.truncate(0);
                errorbeacon::write_frames(&mut out, s.as_bytes(), b"", bounds)
            };
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{} stacks, {:.0} stacks/s, {:.2} µs/stack ({frames} frames)",
        stacks.len(),
        (stacks.len() * rounds) as f64 / secs,
        secs * 1e6 / (stacks.len() * rounds) as f64
    );
}
