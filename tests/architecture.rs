//! The house shows the pipeline: stages in `src/` only import stages that
//! come before them (the order written in ARCHITECTURE.md), so data flows one
//! way and there are no import cycles; and files stay small enough to read.

use crate::common;

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
const URL_OWNERS: &[&str] = &["content/site_urls.rs", "config/"];

/// Files of unit tests only (`tests.rs`, `codeowners_tests.rs`).
fn is_test_file(rel: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    name == "tests.rs" || name.ends_with("_tests.rs")
}

/// A file's text without its comments' lines and without its unit tests
/// (`#[cfg(test)] mod tests` ends the file by the house's layout), with the
/// line each kept byte came from.
fn code_of(text: &str) -> (String, Vec<usize>) {
    let mut code = String::with_capacity(text.len());
    let mut line_of = Vec::with_capacity(text.len());
    let mut lines = text.lines().enumerate().peekable();
    while let Some((n, line)) = lines.next() {
        let trimmed = line.trim_start();
        if trimmed == "#[cfg(test)]"
            && lines
                .peek()
                .is_some_and(|(_, next)| next.trim_start().starts_with("mod tests"))
        {
            break;
        }
        if trimmed.starts_with("//") {
            continue;
        }
        code.push_str(line);
        code.push('\n');
        line_of.resize(code.len(), n + 1);
    }
    (code, line_of)
}

/// The base path or base URL (a variable, a field, or the accessor of that
/// name) written into a string: in a formatting macro, over as many lines
/// as the call takes; pushed onto one; added to one.
fn joined_by_hand() -> regex::Regex {
    regex::Regex::new(
        r"(?x)
        \b(format|format_args|write|writeln|print|println|eprint|eprintln|concat)!\s*\(
            [^;]*?
            (\{base_(path|url)\b | [(,]\s*&?(\w+(\(\))?\.)*base_(path|url)(\(\))?\s*[,)])
        | push_str\(\s*&?(\w+(\(\))?\.)*base_(path|url)(\(\))?\s*\)
        | \bbase_(path|url)(\(\))?\s*\+
        ",
    )
    .expect("regex")
}

#[test]
fn only_the_url_type_joins_paths_to_the_base() {
    let joined_by_hand = joined_by_hand();
    let mut found = Vec::new();
    for (rel, text) in sources() {
        if URL_OWNERS.iter().any(|owner| rel.starts_with(owner)) || is_test_file(&rel) {
            continue;
        }
        let (code, line_of) = code_of(&text);
        for m in joined_by_hand.find_iter(&code) {
            let line = line_of.get(m.end() - 1).copied().unwrap_or(0);
            let shown: String = m.as_str().split_whitespace().collect::<Vec<_>>().join(" ");
            found.push(format!("src/{rel}:{line}: {shown}"));
        }
    }
    assert!(
        found.is_empty(),
        "site URLs joined by hand (use content::site_urls::SiteUrls):\n{}",
        found.join("\n")
    );
}

#[test]
fn the_scan_for_joins_by_hand_sees_them() {
    // The shapes the scan must catch, so that a change to the pattern
    // cannot quietly let everything pass.
    let shapes = [
        "let u = format!(\"{base_path}/tags/\");",
        "let u = format!(\"{}{}\", config.base_url, path);",
        "let u = format!(\n    \"http://{}{}/\",\n    address,\n    workspace.config().base_path\n);",
        "let u = format!(\"{}/x\", urls.base_path());",
        "href.push_str(&config.base_path);",
        "let u = base_path + \"/x\";",
    ];
    let joined_by_hand = joined_by_hand();
    for shape in shapes {
        assert!(
            joined_by_hand.is_match(&code_of(shape).0),
            "not caught: {shape}"
        );
    }
    let fine = "let u = urls.href(&page.url.path);\nlet b = urls.base_path().to_string();";
    assert!(!joined_by_hand.is_match(fine));
}

/// The paths of the pages and files `handbook` generates are named in one
/// place, `content::site_urls::generated`; everything else (links, the
/// reserved outputs, the writers, `serve`) reads them there.
#[test]
fn generated_paths_are_named_in_one_place() {
    let named_by_hand = regex::Regex::new(
        r#""(/tags/|/owners/|/cadence[/.]|/?sitemap\.xml|/?atom\.xml|/?search/|/?_redirects|/?syntax\.css|/404\.html|/?vendor/fontawesome/icons\.css)"#,
    )
    .expect("regex");
    let mut found = Vec::new();
    for (rel, text) in sources() {
        if rel == "content/site_urls.rs" || is_test_file(&rel) {
            continue;
        }
        let (code, line_of) = code_of(&text);
        for m in named_by_hand.find_iter(&code) {
            let line = line_of.get(m.end() - 1).copied().unwrap_or(0);
            found.push(format!("src/{rel}:{line}: {}", m.as_str()));
        }
    }
    assert!(
        found.is_empty(),
        "generated paths named by hand (use content::site_urls::generated):\n{}",
        found.join("\n")
    );
}
