//! Shared helpers for the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The GitLab handbook slice beside the project, or `None` (with a message)
/// when it is absent. With `HANDBOOK_REQUIRE_CORPUS=1` (set in CI) a missing
/// corpus fails the test instead, and so does `CI=true`.
pub fn corpus() -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/gitlab-handbook");
    if path.join("handbook").is_dir() {
        return Some(path);
    }
    let required = std::env::var("HANDBOOK_REQUIRE_CORPUS").as_deref() == Ok("1")
        || std::env::var("CI").as_deref() == Ok("true");
    if required {
        panic!(
            "the corpus is required (HANDBOOK_REQUIRE_CORPUS=1) but {} is missing",
            path.display()
        );
    }
    eprintln!("skipped: the corpus {} is absent", path.display());
    None
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

/// `handbook` with the given arguments.
pub fn handbook() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("handbook").expect("binary");
    cmd.env("NO_COLOR", "1");
    cmd
}
