//! Every input that once crashed a fuzz target, replayed through the same
//! harness (`fuzz/src/lib.rs`) without the fuzzer, so a fixed bug stays fixed
//! in a plain `cargo test`. Inputs live in `tests/fixtures/fuzz/<target>/`:
//! `crash-*` files are minimised crashes (SECURITY.md lists them), `seed-*`
//! files are small hand-written inputs for each harness's format.

#[path = "../fuzz/src/lib.rs"]
mod harness;

use std::path::{Path, PathBuf};

/// Runs the harness on every kept input of `target`; reports all that panic.
fn replay(target: &str, run: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/fuzz")
        .join(target);
    let mut inputs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("readable folder").path())
        .collect();
    inputs.sort();
    assert!(!inputs.is_empty(), "no inputs in {}", dir.display());
    let failed: Vec<String> = inputs
        .iter()
        .filter(|input| {
            let bytes = std::fs::read(input).expect("readable input");
            std::panic::catch_unwind(|| run(&bytes)).is_err()
        })
        .map(|input| input.display().to_string())
        .collect();
    assert!(failed.is_empty(), "these inputs panic: {failed:#?}");
}

#[test]
fn front_matter() {
    replay("front_matter", harness::front_matter);
}

#[test]
fn markdown() {
    replay("markdown", harness::markdown);
}

#[test]
fn links() {
    replay("links", harness::links);
}

#[test]
fn cadence() {
    replay("cadence", harness::cadence);
}

#[test]
fn diagnostics() {
    replay("diagnostics", harness::diagnostics);
}

#[test]
fn urls() {
    replay("urls", harness::urls);
}
