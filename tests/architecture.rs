//! The house shows the pipeline: stages in `src/` only import stages that
//! come before them (the order written in ARCHITECTURE.md), so data flows one
//! way and there are no import cycles; and files stay small enough to read.

mod common;

use std::collections::HashMap;

/// The stage order as ARCHITECTURE.md writes it, on its line starting with
/// "Stage order".
fn stage_order() -> Vec<String> {
    let text = std::fs::read_to_string(common::project_root().join("ARCHITECTURE.md"))
        .expect("ARCHITECTURE.md");
    let line = text
        .lines()
        .find(|l| l.starts_with("Stage order"))
        .expect("ARCHITECTURE.md has a line starting with `Stage order`");
    line.split('`')
        .skip(1)
        .step_by(2)
        .filter(|name| !name.contains('/') && !name.contains('.'))
        .map(str::to_string)
        .collect()
}

/// Every `.rs` file under `src/`, with its text.
fn sources() -> Vec<(String, String)> {
    let src = common::project_root().join("src");
    walkdir::WalkDir::new(&src)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "rs"))
        .map(|e| {
            let rel = e.path().strip_prefix(&src).unwrap_or(e.path());
            let rel = rel.to_string_lossy().replace('\\', "/");
            (rel, std::fs::read_to_string(e.path()).expect("read"))
        })
        .collect()
}

/// The top-level module a file belongs to (`markdown/ids.rs` is `markdown`).
fn module_of(rel: &str) -> &str {
    let first = rel.split('/').next().unwrap_or(rel);
    first.strip_suffix(".rs").unwrap_or(first)
}

#[test]
fn stages_import_only_earlier_stages() {
    let order = stage_order();
    let rank: HashMap<&str, usize> = order
        .iter()
        .enumerate()
        .map(|(i, m)| (m.as_str(), i))
        .collect();
    let lib = std::fs::read_to_string(common::project_root().join("src/lib.rs")).expect("lib.rs");
    for line in lib.lines() {
        if let Some(name) = line
            .strip_prefix("pub mod ")
            .and_then(|l| l.strip_suffix(';'))
        {
            assert!(
                rank.contains_key(name),
                "src/{name} is not in ARCHITECTURE.md's stage order"
            );
        }
    }
    let mut backwards = Vec::new();
    for (rel, text) in sources() {
        let from = module_of(&rel);
        let Some(&from_rank) = rank.get(from) else {
            continue;
        };
        for (at, _) in text.match_indices("crate::") {
            let name: String = text[at + 7..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if let Some(&to_rank) = rank.get(name.as_str()) {
                if to_rank > from_rank {
                    backwards.push(format!("{rel} uses crate::{name}"));
                }
            }
        }
    }
    backwards.sort();
    backwards.dedup();
    assert!(
        backwards.is_empty(),
        "a stage imports a later one (stage order: {order:?}):\n{}",
        backwards.join("\n")
    );
}

/// No file in `src/` is longer: a longer one holds more than one job.
const MAX_LINES: usize = 800;

#[test]
fn files_stay_under_800_lines() {
    let mut too_long = Vec::new();
    for (rel, text) in sources() {
        let lines = text.lines().count();
        if lines > MAX_LINES {
            too_long.push(format!("src/{rel}: {lines} lines (at most {MAX_LINES})"));
        }
    }
    assert!(too_long.is_empty(), "{}", too_long.join("\n"));
}

/// Where a site path is joined to the base path or base URL: the one type
/// that knows them (`SiteUrls`), and the settings that make them.
const URL_OWNERS: &[&str] = &["content/url.rs", "config/"];

#[test]
fn only_the_url_type_joins_paths_to_the_base() {
    // `format!("{base_path}...")`, `format!("{}...", config.base_url)`,
    // `push_str(&base_path)`, `base_path + ...`: a path joined by hand.
    let joined_by_hand = regex::Regex::new(
        r"format!\([^;]*?(\{base_(path|url)\b|,\s*&?([\w]+\.)*base_(path|url)\s*[,)])|push_str\(\s*&?([\w]+\.)*base_(path|url)\s*\)|\bbase_(path|url)\s*\+",
    )
    .expect("regex");
    let mut found = Vec::new();
    for (rel, text) in sources() {
        if URL_OWNERS.iter().any(|owner| rel.starts_with(owner)) {
            continue;
        }
        for (n, line) in text.lines().enumerate() {
            if !line.trim_start().starts_with("//") && joined_by_hand.is_match(line) {
                found.push(format!("src/{rel}:{}: {}", n + 1, line.trim()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "site URLs joined by hand (use content::url::SiteUrls):\n{}",
        found.join("\n")
    );
}
