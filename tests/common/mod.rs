//! Shared helpers for the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

pub mod junit;

/// The GitLab handbook slice beside the project, or `None` (with a message)
/// when it is absent. With `HANDBOOK_REQUIRE_CORPUS=1` (set in CI) a missing
/// corpus fails the test instead, and so does `CI=true`.
pub fn corpus() -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/gitlab-handbook");
    if path.join("handbook").is_dir() {
        return Some(path);
    }
    skip(
        "HANDBOOK_REQUIRE_CORPUS",
        &format!("the corpus {} is absent", path.display()),
    );
    None
}

/// A corpus of `../shared/corpus` by name (`microsoft-playbook`), or `None`
/// (with a message) when it is absent; a failure in CI, as with [`corpus`].
pub fn shared_corpus(name: &str) -> Option<PathBuf> {
    let path = project_root().join("../shared/corpus").join(name);
    if path.is_dir() {
        return Some(path);
    }
    skip(
        "HANDBOOK_REQUIRE_CORPUS",
        &format!("the corpus {} is absent", path.display()),
    );
    None
}

/// The one skip policy of the test suite. A check that cannot run here (a
/// tool or the corpus is missing) says why; under `CI=true`, or with its
/// `HANDBOOK_REQUIRE_*` variable set to 1, that is a failure instead, so CI
/// never passes by skipping. Outside CI every skip is also appended to
/// `target/tmp/skipped-checks.txt`, because `cargo test` hides what a passing
/// test prints.
pub fn skip(require_var: &str, why: &str) {
    let in_ci = std::env::var("CI").as_deref() == Ok("true");
    skip_as(require_var, why, in_ci);
}

/// [`skip`] for material that is not part of `../shared` and that CI does
/// not fetch (the tech-docs handbooks of `tools/tech-docs-corpus.sh`): an
/// error only when `require_var=1`, also under `CI=true`.
pub fn skip_opt_in(require_var: &str, why: &str) {
    skip_as(require_var, why, false);
}

fn skip_as(require_var: &str, why: &str, in_ci: bool) {
    let required = std::env::var(require_var).as_deref() == Ok("1") || in_ci;
    if required {
        panic!("this check must run here ({require_var}=1 or CI=true), but {why}");
    }
    eprintln!("skipped: {why} (set {require_var}=1 to make this an error)");
    let log = Path::new(env!("CARGO_TARGET_TMPDIR")).join("skipped-checks.txt");
    let test = std::thread::current()
        .name()
        .unwrap_or("a test")
        .to_string();
    if let Ok(mut file) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
    {
        use std::io::Write;
        let _ = writeln!(file, "{test}: {why}");
    }
}

pub fn project_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn corpus_site() -> PathBuf {
    project_root().join("tests/fixtures/corpus-site")
}

/// Writes `files` (path, contents) under a new temporary folder.
pub fn site(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (path, text) in files {
        let full = dir.path().join(path);
        std::fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
        std::fs::write(full, text).expect("write");
    }
    dir
}

/// `handbook` with the given arguments. The build cache is off (tests build
/// fixtures and corpora that must stay as they are); the cache's own tests
/// turn it on with `HANDBOOK_CACHE_DIR`.
pub fn handbook() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("handbook").expect("binary");
    cmd.env("NO_COLOR", "1");
    cmd.env("HANDBOOK_CACHE_DIR", "");
    cmd
}

/// Whether [`build_in`] keeps a build cache between builds.
#[derive(Clone, Copy)]
pub enum BuildCache {
    Off,
    /// `.handbook-cache/` beside the site, as a user's build has it.
    On,
}

/// `handbook build` in `dir` (its settings found there), which must
/// succeed; returns what it printed.
pub fn build_in(dir: &Path, cache: BuildCache) -> String {
    let mut cmd = handbook();
    if let BuildCache::On = cache {
        cmd.env("HANDBOOK_CACHE_DIR", ".handbook-cache");
    }
    let output = cmd.current_dir(dir).args(["build"]).output().expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{stderr}");
    stderr
}

/// Copies the folder `from` and all it holds to `to`.
pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("readable folder");
        let rel = entry.path().strip_prefix(from).expect("inside the folder");
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}
