//! Every input the `inbox` fuzz target (fuzz/fuzz_targets/inbox.rs) failed on, and the bombs it
//! must refuse, kept under `tests/fuzz-regressions/inbox/` at the repository's top, run through
//! the same check (fuzz/inbox_check.rs) on stable.

#[path = "../../fuzz/inbox_check.rs"]
mod inbox_check;

#[test]
fn every_kept_inbox_fuzz_input_passes_its_check() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fuzz-regressions/inbox");
    let mut n = 0;
    for f in std::fs::read_dir(&dir).expect("tests/fuzz-regressions/inbox") {
        let f = f.expect("entry").path();
        inbox_check::inbox(&std::fs::read(&f).expect("input"));
        n += 1;
    }
    assert!(n > 0, "no kept inputs under {}", dir.display());
}

#[test]
fn a_gzip_bomb_is_refused_at_the_bound() {
    let bomb = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fuzz-regressions/inbox/gzip-bomb"),
    )
    .expect("bomb");
    let body = bytes::Bytes::copy_from_slice(bomb.get(1..).expect("body"));
    let r = errorbeacon_inbox::ingest::body::decompress(errorbeacon_inbox::ingest::body::Encoding::Gzip, body);
    assert!(r.is_err(), "64 MB of zeros decoded past the 20 MB bound");
}
