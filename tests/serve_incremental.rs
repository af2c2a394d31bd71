//! `serve`'s in-memory site after edits, with second passes stopped by newer
//! saves, is the site a clean build writes, byte for byte.

use crate::common;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use handbook::build::{self, BuildOptions};
use handbook::config::{Config, Overrides};
use handbook::serve::workspace::Workspace;

/// Every file a clean build of `root` writes, by output path.
fn clean_build(root: &Path) -> Vec<(String, Vec<u8>)> {
    let out = tempfile::tempdir().expect("temp");
    let overrides = Overrides {
        output_dir: Some(out.path().join("site")),
        ..Overrides::default()
    };
    let config = Config::load(root, &overrides).expect("config");
    let options = BuildOptions {
        strict: false,
        keep_going: true,
        force: true,
        progress: false,
        use_cache: false,
        ..BuildOptions::default()
    };
    build::build(&config, &options).expect("build");
    let site = out.path().join("site");
    let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(&site)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter(|e| e.file_name() != ".handbook-manifest")
        .map(|e| {
            let rel = e.path().strip_prefix(&site).expect("inside");
            (
                rel.to_string_lossy().replace('\\', "/"),
                std::fs::read(e.path()).expect("read"),
            )
        })
        .collect();
    files.sort();
    files
}

fn assert_same_site(workspace: &Workspace, root: &Path) {
    let snapshot = workspace.snapshot();
    let mut differ = Vec::new();
    for (rel, bytes) in clean_build(root) {
        match snapshot.files.get(&rel) {
            Some(served) if served.as_ref() == bytes.as_slice() => {}
            Some(served) => {
                let served = String::from_utf8_lossy(served);
                let clean = String::from_utf8_lossy(&bytes);
                let at = served
                    .bytes()
                    .zip(clean.bytes())
                    .position(|(a, b)| a != b)
                    .unwrap_or(served.len().min(clean.len()));
                let from = at.saturating_sub(80);
                differ.push(format!(
                    "{rel} differs at {at}:\n  served: {}\n  clean:  {}",
                    &served[from.min(served.len())..(at + 80).min(served.len())],
                    &clean[from.min(clean.len())..(at + 80).min(clean.len())]
                ));
            }
            None => differ.push(format!("{rel}: not served")),
        }
    }
    assert!(differ.is_empty(), "{}", differ.join("\n"));
}

fn write(root: &Path, rel: &str, text: &str) -> PathBuf {
    let path = root.join(rel);
    std::fs::write(&path, text).expect("write");
    path
}

#[test]
fn a_stopped_second_pass_joins_the_next_rebuild() {
    let dir = common::site(&[
        (
            "content/index.md",
            "# Home\n\n[A](sales/a/) [B](sales/b/#steps)\n",
        ),
        (
            "content/sales/_index.md",
            "---\ntitle: Sales\n---\nThe sales pages.\n",
        ),
        ("content/sales/a.md", "---\ntitle: Alpha\n---\nFirst.\n"),
        (
            "content/sales/b.md",
            "---\ntitle: Beta\n---\n## Steps\n\nOne.\n",
        ),
        ("content/sales/c.md", "---\ntitle: Gamma\n---\nThird.\n"),
    ]);
    let root = dir.path();
    let mut workspace = Workspace::open(root, &Overrides::default()).expect("open");
    let viewed = HashSet::new();

    // A title edit: other pages' navigation changes in the second pass,
    // which a newer save stops at once.
    let a = write(
        root,
        "content/sales/a.md",
        "---\ntitle: Alpha renamed\n---\nFirst.\n",
    );
    workspace.apply(&[a], &viewed);
    assert!(
        workspace.has_deferred(),
        "a title edit leaves work for later"
    );
    let saved_again = || true;
    assert!(workspace.finish_unless(&saved_again).is_none());
    assert!(workspace.has_deferred(), "the work is kept");

    // The newer save: a body edit and a renamed heading others link to.
    let b = write(
        root,
        "content/sales/b.md",
        "---\ntitle: Beta\n---\n## Steps now\n\nTwo.\n",
    );
    workspace.apply(&[b], &viewed);
    workspace.finish();
    assert!(!workspace.has_deferred());
    assert_same_site(&workspace, root);

    // A series of saves, each stopping the one before.
    for (i, title) in ["Gamma one", "Gamma two", "Gamma three"].iter().enumerate() {
        let c = write(
            root,
            "content/sales/c.md",
            &format!("---\ntitle: {title}\nweight: {i}\n---\nThird {i}.\n"),
        );
        workspace.apply(&[c], &viewed);
        assert!(workspace.finish_unless(&saved_again).is_none() || !workspace.has_deferred());
    }
    workspace.finish();
    assert_same_site(&workspace, root);

    // Body edits while typing: each second pass (search index, feed) is
    // stopped by the next save; the page itself is served at once.
    for word in ["one", "two", "three"] {
        let a = write(
            root,
            "content/sales/a.md",
            &format!("---\ntitle: Alpha renamed\n---\nFirst {word}.\n"),
        );
        workspace.apply(&[a], &viewed);
        let page = workspace.snapshot().files["sales/a/index.html"].clone();
        assert!(String::from_utf8_lossy(&page).contains(&format!("First {word}.")));
        workspace.finish_unless(&saved_again);
    }
    workspace.finish();
    assert_same_site(&workspace, root);
}
