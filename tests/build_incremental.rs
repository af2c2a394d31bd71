//! Builds with the page cache are clean builds: a scripted random series of
//! edits to a copy of the sample handbook (bodies, titles, front matter,
//! cadence, headings other pages link to, a partial, added, deleted and renamed pages,
//! a template, a static file, `site.toml`), and after each one the output
//! folder of `handbook build` with its cache is compared byte for byte, with
//! its diagnostics, against a build from nothing. The same series is applied
//! to `serve`'s in-memory site, and checked by `check` with the page cache it
//! keeps when no build left one, against a check from nothing.

use crate::common;

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use handbook::build::{self, BuildOptions, BuildSummary};
use handbook::check::{self, CheckOptions};
use handbook::config::{Config, Overrides};
use handbook::serve::workspace::Workspace;

const STEPS: usize = 60;

/// A small deterministic generator (xorshift), so a failing series can be
/// replayed from its seed.
struct Dice(u64);

impl Dice {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n.max(1) as u64) as usize
    }
}

fn build_into(root: &Path, output: &Path, use_cache: bool) -> BuildSummary {
    let overrides = Overrides {
        output_dir: Some(output.to_path_buf()),
        ..Overrides::default()
    };
    let config = Config::load(root, &overrides).expect("config");
    let options = BuildOptions {
        strict: false,
        keep_going: true,
        force: true,
        progress: false,
        use_cache,
        ..BuildOptions::default()
    };
    build::build(&config, &options).expect("build")
}

fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).expect("inside");
            (
                rel.to_string_lossy().replace('\\', "/"),
                std::fs::read(e.path()).expect("read"),
            )
        })
        .collect()
}

fn report(report: &handbook::diagnostics::Report) -> Vec<String> {
    report
        .diagnostics
        .iter()
        .map(|d| {
            format!(
                "{:?} {:?} {:?} {}",
                d.severity, d.file, d.location, d.message
            )
        })
        .collect()
}

/// The site's settings for `check`, with a build cache folder of its own,
/// where no build stores: `check` keeps its own page cache there.
fn check_config(root: &Path) -> Config {
    let mut config = Config::load(root, &Overrides::default()).expect("config");
    config.site.cache_dir = ".check-cache".to_string();
    config
}

/// Where two trees differ, a line each.
fn differences(
    incremental: &BTreeMap<String, Vec<u8>>,
    clean: &BTreeMap<String, Vec<u8>>,
) -> Vec<String> {
    let mut differ = Vec::new();
    for (rel, bytes) in clean {
        match incremental.get(rel) {
            Some(ours) if ours == bytes => {}
            Some(ours) => {
                let at = ours.iter().zip(bytes).position(|(a, b)| a != b);
                let at = at.unwrap_or(ours.len().min(bytes.len()));
                let window = |b: &[u8]| {
                    String::from_utf8_lossy(&b[at.saturating_sub(60)..(at + 60).min(b.len())])
                        .into_owned()
                };
                differ.push(format!(
                    "{rel} differs at byte {at}:\n  cached: {}\n  clean:  {}",
                    window(ours),
                    window(bytes)
                ));
            }
            None => differ.push(format!("{rel}: missing from the cached build")),
        }
    }
    for rel in incremental.keys().filter(|rel| !clean.contains_key(*rel)) {
        differ.push(format!("{rel}: only in the cached build"));
    }
    differ
}

/// The site's Markdown pages, relative to the site root, sorted.
fn pages(root: &Path) -> Vec<String> {
    let mut pages: Vec<String> = walkdir::WalkDir::new(root.join("content"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| {
            let rel = e.path().strip_prefix(root).expect("inside");
            rel.to_string_lossy().replace('\\', "/")
        })
        .collect();
    pages.sort();
    pages
}

/// Replaces the first line starting with `prefix` (after the front matter
/// opener) or inserts `line` into the front matter.
fn set_front_matter(text: &str, key: &str, value: &str) -> String {
    let line = format!("{key}: {value}");
    if let Some(rest) = text.strip_prefix("---\n") {
        let mut lines: Vec<String> = rest.lines().map(str::to_string).collect();
        let end = lines.iter().position(|l| l == "---").unwrap_or(0);
        match lines[..end]
            .iter()
            .position(|l| l.starts_with(&format!("{key}:")))
        {
            Some(i) => lines[i] = line,
            None => lines.insert(0, line),
        }
        return format!("---\n{}\n", lines.join("\n"));
    }
    format!("---\n{line}\n---\n{text}")
}

/// One random edit; returns what it did and the paths it touched.
fn edit(root: &Path, dice: &mut Dice, step: usize) -> (String, Vec<PathBuf>) {
    let pages = pages(root);
    let pick = |dice: &mut Dice| pages[dice.below(pages.len())].clone();
    let read = |rel: &str| std::fs::read_to_string(root.join(rel)).expect("read");
    let write = |rel: &str, text: &str| {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, text).expect("write");
        path
    };
    match dice.below(15) {
        0 | 1 => {
            let rel = pick(dice);
            // Some with an icon: the site's icon stylesheet lists the icons
            // of every page, also of those whose HTML the cache does not keep.
            let icon = ["", "check", "user", "star"][step % 4];
            let icon = if icon.is_empty() {
                String::new()
            } else {
                format!(" <i class=\"fas fa-{icon}\"></i>")
            };
            let text = read(&rel) + &format!("\nA new paragraph with the word step{step}.{icon}\n");
            (format!("body of {rel}"), vec![write(&rel, &text)])
        }
        2 => {
            let rel = pick(dice);
            let text = set_front_matter(&read(&rel), "title", &format!("Renamed {step}"));
            (format!("title of {rel}"), vec![write(&rel, &text)])
        }
        3 => {
            let rel = pick(dice);
            let text = read(&rel);
            let text = match dice.below(4) {
                0 => set_front_matter(&text, "description", &format!("Changed in step {step}")),
                1 => set_front_matter(&text, "weight", &step.to_string()),
                // A page's date is part of its frame (`lastmod`), which the
                // page cache keys by what it is made from.
                2 => set_front_matter(&text, "date", &format!("2024-03-{:02}", 1 + step % 28)),
                _ => set_front_matter(&text, "tags", &format!("[step{}]", step % 3)),
            };
            (format!("front matter of {rel}"), vec![write(&rel, &text)])
        }
        4 => {
            let with_cadence: Vec<&String> = pages
                .iter()
                .filter(|p| read(p).contains("every:"))
                .collect();
            let Some(rel) = with_cadence.get(dice.below(with_cadence.len())) else {
                return ("no cadence page left".into(), Vec::new());
            };
            let every = ["weekly", "monthly", "quarterly", "annual"][dice.below(4)];
            let text = read(rel);
            let at = text.find("every: ").map_or(0, |i| i + "every: ".len());
            let end = text[at..].find('\n').map_or(text.len(), |n| at + n);
            let text = format!("{}{every}{}", &text[..at], &text[end..]);
            (format!("cadence of {rel}"), vec![write(rel, &text)])
        }
        5 => {
            // Headings other pages link to (`#agenda`, `#days-31-to-60`...):
            // every second-level one of the page, so that links from pages
            // this step leaves alone break.
            let rel = pick(dice);
            let text = read(&rel).replace("\n## ", &format!("\n## Step {step} "));
            (format!("headings of {rel}"), vec![write(&rel, &text)])
        }
        6 => {
            let target = pick(dice);
            let url = target
                .trim_start_matches("content")
                .trim_end_matches(".md")
                .trim_end_matches("/index");
            let rel = format!("content/planning/new-{step}.md");
            let text = format!(
                "---\ntitle: New page {step}\n---\n## Links\n\nSee [the other page]({url}/) and [a heading]({url}/#agenda).\n"
            );
            (format!("added {rel}"), vec![write(&rel, &text)])
        }
        7 | 8 => {
            let candidates: Vec<&String> =
                pages.iter().filter(|p| !p.ends_with("index.md")).collect();
            let Some(rel) = candidates
                .get(dice.below(candidates.len()))
                .map(|s| s.to_string())
            else {
                return ("no page left".into(), Vec::new());
            };
            let from = root.join(&rel);
            if dice.below(2) == 0 {
                std::fs::remove_file(&from).expect("delete");
                (format!("deleted {rel}"), vec![from])
            } else {
                let to = root.join(rel.replace(".md", &format!("-moved-{step}.md")));
                std::fs::rename(&from, &to).expect("rename");
                (format!("renamed {rel}"), vec![from, to])
            }
        }
        9 => {
            let rel = "templates/page.html";
            let text = read(rel).replacen("</body>", &format!("<!-- step {step} --></body>"), 1);
            ("template page.html".into(), vec![write(rel, &text)])
        }
        10 => {
            let rel = "static/extra.css";
            let text = read(rel) + &format!(".step-{step} {{ color: red; }}\n");
            ("static file".into(), vec![write(rel, &text)])
        }
        11 => {
            let rel = "content/shared/_note.md";
            let text = match std::fs::read_to_string(root.join(rel)) {
                Ok(text) => text + &format!("\nStep {step} of the shared note.\n"),
                Err(_) => format!("A shared note, made again in step {step}.\n"),
            };
            ("partial".into(), vec![write(rel, &text)])
        }
        12 => {
            // Owners are searchable: pages whose Markdown is unchanged get
            // other owners, and the index needs their text again.
            let rel = ".gitlab/CODEOWNERS";
            let text = read(rel) + &format!("/content/planning/ @step{step}\n");
            ("CODEOWNERS".into(), vec![write(rel, &text)])
        }
        13 => {
            let indexes: Vec<&String> = pages.iter().filter(|p| p.ends_with("index.md")).collect();
            let rel = indexes[dice.below(indexes.len())].clone();
            let text = set_front_matter(&read(&rel), "owner", &format!("Owner {step}"));
            (
                format!("owner of {rel} and its section"),
                vec![write(&rel, &text)],
            )
        }
        _ => {
            let text = read("site.toml").replacen(
                "description = \"",
                &format!("description = \"Step {step}: "),
                1,
            );
            ("site.toml".into(), vec![write("site.toml", &text)])
        }
    }
}

#[test]
fn a_random_series_of_edits_builds_what_a_clean_build_writes() {
    let sample = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().expect("temp");
    let root = dir.path().join("site");
    common::copy_tree(&sample.join("content"), &root.join("content"));
    std::fs::copy(sample.join("site.toml"), root.join("site.toml")).expect("site.toml");
    std::fs::create_dir_all(root.join(".gitlab")).expect(".gitlab");
    std::fs::copy(
        sample.join(".gitlab/CODEOWNERS"),
        root.join(".gitlab/CODEOWNERS"),
    )
    .expect("CODEOWNERS");
    std::fs::create_dir_all(root.join("templates")).expect("templates");
    std::fs::copy(
        sample.join("themes/default/templates/page.html"),
        root.join("templates/page.html"),
    )
    .expect("template");
    std::fs::create_dir_all(root.join("static")).expect("static");
    std::fs::write(root.join("static/extra.css"), "/* site styles */\n").expect("css");
    // A Middleman page that reads a partial: the partial's edits reach it.
    std::fs::create_dir_all(root.join("content/shared")).expect("shared");
    std::fs::write(root.join("content/shared/_note.md"), "A **shared** note.\n").expect("note");
    std::fs::write(
        root.join("content/about/shared-note.html.md.erb"),
        "---\ntitle: Shared note\n---\nBefore.\n\n<%= partial \"shared/note\" %>\n\nAfter.\n",
    )
    .expect("erb page");

    // `check` in a cache folder of its own, where no build stores: it
    // keeps its own page cache there.
    let check = |config: &Config, use_cache: bool| {
        let options = CheckOptions {
            orphans: true,
            external: false,
            use_cache,
        };
        let result = check::check_with(config, &options);
        let mut lines = report(result.report());
        lines.sort();
        let from_cache = result.pages_from_cache();
        (lines, result.orphans, from_cache)
    };
    check(&check_config(&root), true);
    let mut checked_some_from_cache = false;

    let cached_out = dir.path().join("cached");
    let first = build_into(&root, &cached_out, true);
    assert!(first.wrote_site);
    let mut workspace = Workspace::open(&root, &Overrides::default()).expect("serve opens");
    let viewed = HashSet::new();

    let seed = std::env::var("HANDBOOK_INCREMENTAL_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x9e37_79b9_7f4a_7c15);
    let mut dice = Dice(seed);
    let mut kept_some = false;
    for step in 0..STEPS {
        let (what, paths) = edit(&root, &mut dice, step);
        let cached = build_into(&root, &cached_out, true);
        let clean_out = dir.path().join(format!("clean-{step}"));
        let clean = build_into(&root, &clean_out, false);
        let context = format!("step {step} (seed {seed:#x}): {what}");
        let differ = differences(&tree(&cached_out), &tree(&clean_out));
        assert!(differ.is_empty(), "{context}\n{}", differ.join("\n"));
        assert_eq!(
            report(&cached.report),
            report(&clean.report),
            "{context}: diagnostics"
        );
        kept_some |= cached.unchanged > 0 && cached.written < clean.written;

        // Loaded again: the step may have edited `site.toml`.
        let check_config = check_config(&root);
        let (checked, checked_orphans, from_cache) = check(&check_config, true);
        let (fresh, fresh_orphans, _) = check(&check_config, false);
        assert_eq!(checked, fresh, "{context}: check with its own cache");
        assert_eq!(checked_orphans, fresh_orphans, "{context}: orphans");
        checked_some_from_cache |= from_cache > 0;

        workspace.apply(&paths, &viewed);
        workspace.finish();
        let snapshot = workspace.snapshot();
        let mut served_differ = Vec::new();
        for (rel, bytes) in tree(&clean_out) {
            if rel == ".handbook-manifest" {
                continue;
            }
            match snapshot.files.get(&rel) {
                Some(served) if served.as_ref() == bytes.as_slice() => {}
                Some(_) => served_differ.push(format!("{rel}: differs")),
                None => served_differ.push(format!("{rel}: not served")),
            }
        }
        assert!(
            served_differ.is_empty(),
            "{context}: serve\n{}",
            served_differ.join("\n")
        );
        std::fs::remove_dir_all(&clean_out).expect("rm");
    }
    assert!(kept_some, "the cache kept files from one build to the next");
    assert!(
        checked_some_from_cache,
        "check took pages from its own cache"
    );
}
