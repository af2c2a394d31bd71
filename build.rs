//! Gives the binary its source fingerprint (`HANDBOOK_SOURCE_ID`): a hash of
//! every file it is compiled from (the code, the built-in theme it embeds,
//! the manifest and the lock file of its dependencies). The build cache is
//! keyed by it: another version of `handbook` may render differently, and
//! its records must not be used. Hashing the sources here, once, replaces
//! reading and hashing the 90 MB executable at the start of every build
//! with a cache (40 ms of a 10,000-page build's first second, on one core).

use std::path::{Path, PathBuf};

/// What the binary is made from, relative to the package root.
const SOURCES: &[&str] = &["src", "themes", "Cargo.toml", "Cargo.lock", "build.rs"];

fn main() {
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let mut files = Vec::new();
    for source in SOURCES {
        // A folder is scanned by Cargo for any change below it.
        println!("cargo:rerun-if-changed={source}");
        collect(&root.join(source), &mut files);
    }
    files.sort();
    let mut hash = Fnv::default();
    hash.update(
        std::env::var("CARGO_PKG_VERSION")
            .unwrap_or_default()
            .as_bytes(),
    );
    for file in &files {
        let Ok(bytes) = std::fs::read(file) else {
            continue;
        };
        let name = file.strip_prefix(&root).unwrap_or(file);
        hash.update(name.to_string_lossy().as_bytes());
        hash.update(&(bytes.len() as u64).to_le_bytes());
        hash.update(&bytes);
    }
    println!("cargo:rustc-env=HANDBOOK_SOURCE_ID={:016x}", hash.0);
}

/// Every file at or below `path`.
fn collect(path: &Path, files: &mut Vec<PathBuf>) {
    if path.is_file() {
        files.push(path.to_path_buf());
        return;
    }
    let Ok(entries) = std::fs::read_dir(path) else {
        return;
    };
    for entry in entries.flatten() {
        collect(&entry.path(), files);
    }
}

/// 64-bit FNV-1a: stable across compilers and platforms, and fast enough
/// for a few megabytes of source.
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    fn update(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 ^= u64::from(*byte);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}
