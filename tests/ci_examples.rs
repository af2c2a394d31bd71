//! The CI examples in docs/ci/ are real files, included verbatim in
//! docs/ci.md. This test parses both, checks the structure GitLab and GitHub
//! need (Pages jobs, report artifacts, permissions), and runs every `handbook`
//! command they contain through the binary: on a copy of the sample handbook
//! (the command must be valid: exit 0 or 1, never 2) and on a small clean site
//! (it must succeed and write what the pipeline expects).

use crate::common;

use std::collections::HashMap;
use std::path::PathBuf;

use yaml_rust2::{Yaml, YamlLoader};

fn docs() -> PathBuf {
    common::project_root().join("docs")
}

fn load_yaml(name: &str) -> (String, Yaml) {
    let text = std::fs::read_to_string(docs().join("ci").join(name)).expect("CI example");
    let mut docs = YamlLoader::load_from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(docs.len(), 1, "{name} is one YAML document");
    (text, docs.remove(0))
}

fn strings(yaml: &Yaml) -> Vec<String> {
    match yaml {
        Yaml::Array(items) => items
            .iter()
            .filter_map(|i| i.as_str().map(str::to_string))
            .collect(),
        Yaml::String(s) => s.lines().map(str::to_string).collect(),
        _ => Vec::new(),
    }
}

/// One `handbook ...` command line, its arguments expanded.
#[derive(Debug)]
struct Invocation {
    line: String,
    args: Vec<String>,
    /// `> file`: where stdout goes.
    stdout_to: Option<String>,
}

/// Splits a shell line into words (double quotes respected, variables
/// expanded from `vars`), up to the first `||`, `&&`, `|` or `;`.
fn shell_words(line: &str, vars: &HashMap<&str, &str>) -> (Vec<String>, Option<String>) {
    let mut expanded = line.to_string();
    for (name, value) in vars {
        expanded = expanded
            .replace(&format!("${{{{ {name} }}}}"), value)
            .replace(&format!("${{{name}}}"), value)
            .replace(&format!("${name}"), value);
    }
    assert!(!expanded.contains('$'), "unknown variable in `{line}`");
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_quotes = false;
    let mut has_word = false;
    for c in expanded.chars() {
        match c {
            '"' => {
                in_quotes = !in_quotes;
                has_word = true;
            }
            c if c.is_whitespace() && !in_quotes => {
                if has_word {
                    words.push(std::mem::take(&mut word));
                    has_word = false;
                }
            }
            c => {
                word.push(c);
                has_word = true;
            }
        }
    }
    if has_word {
        words.push(word);
    }
    let end = words
        .iter()
        .position(|w| matches!(w.as_str(), "||" | "&&" | "|" | ";"))
        .unwrap_or(words.len());
    words.truncate(end);
    let mut stdout_to = None;
    if let Some(i) = words.iter().position(|w| w == ">") {
        stdout_to = words.get(i + 1).cloned();
        words.truncate(i);
    }
    (words, stdout_to)
}

fn invocations(lines: &[String], vars: &HashMap<&str, &str>) -> Vec<Invocation> {
    let mut found = Vec::new();
    for line in lines {
        let trimmed = line.trim();
        if trimmed.starts_with('#') || trimmed.is_empty() {
            continue;
        }
        if trimmed.contains("cargo install") {
            let (words, _) = shell_words(trimmed.rsplit("||").next().unwrap_or(trimmed), vars);
            assert_eq!(
                words,
                [
                    "cargo",
                    "install",
                    "--locked",
                    "handbook",
                    "--version",
                    env!("CARGO_PKG_VERSION")
                ],
                "install the released binary, pinned to this version: `{line}`"
            );
            continue;
        }
        if !trimmed.starts_with("handbook ") {
            continue;
        }
        let (words, stdout_to) = shell_words(trimmed, vars);
        found.push(Invocation {
            line: line.clone(),
            args: words[1..].to_vec(),
            stdout_to,
        });
    }
    found
}

/// A copy of the repository's sample handbook.
fn sample_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp");
    let root = common::project_root();
    std::fs::copy(root.join("site.toml"), dir.path().join("site.toml")).expect("site.toml");
    for entry in walkdir::WalkDir::new(root.join("content")) {
        let entry = entry.expect("content");
        let rel = entry.path().strip_prefix(&root).expect("inside");
        let target = dir.path().join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
    dir
}

/// A site with nothing broken and no links to other sites (so `--external`
/// needs no network).
fn clean_site() -> tempfile::TempDir {
    common::site(&[
        (
            "site.toml",
            "title = \"CI\"\nbase_url = \"https://handbook.example.com\"\n",
        ),
        ("content/index.md", "# Home\n\nRead the [guide](guide/).\n"),
        (
            "content/guide.md",
            "# Guide\n\n## Start\n\nBack [home](../), or [start](#start).\n",
        ),
    ])
}

/// Runs every invocation; returns the files the clean site's runs wrote.
fn run_all(pipeline: &str, found: &[Invocation]) -> HashMap<String, String> {
    assert!(!found.is_empty(), "{pipeline} runs handbook");
    let sample = sample_site();
    let clean = clean_site();
    let mut written = HashMap::new();
    for invocation in found {
        let external = invocation.args.iter().any(|a| a == "--external");
        // The sample handbook links to the internet: --external runs offline only.
        if !external {
            let output = common::handbook()
                .current_dir(sample.path())
                .args(&invocation.args)
                .output()
                .expect("run");
            let code = output.status.code().unwrap_or(-1);
            assert!(
                code == 0 || code == 1,
                "{pipeline}: `{}` is not a valid invocation (exit {code}): {}",
                invocation.line,
                String::from_utf8_lossy(&output.stderr)
            );
        }
        let output = common::handbook()
            .current_dir(clean.path())
            .args(&invocation.args)
            .output()
            .expect("run");
        assert_eq!(
            output.status.code(),
            Some(0),
            "{pipeline}: `{}` on a clean site: {}",
            invocation.line,
            String::from_utf8_lossy(&output.stderr)
        );
        if let Some(file) = &invocation.stdout_to {
            written.insert(
                file.clone(),
                String::from_utf8_lossy(&output.stdout).into_owned(),
            );
        }
        if invocation.args.first().map(String::as_str) == Some("build") {
            let out = invocation
                .args
                .iter()
                .position(|a| a == "--output")
                .and_then(|i| invocation.args.get(i + 1))
                .expect("the build says where the site goes");
            assert!(
                clean.path().join(out).join("index.html").is_file(),
                "{pipeline}: the build wrote {out}/index.html"
            );
            written.insert(format!("{out}/"), String::new());
        }
    }
    written
}

fn assert_is_report(file: &str, text: &str, kind: &str) {
    match kind {
        "junit" => {
            let mut reader = quick_xml::Reader::from_str(text);
            let mut root = None;
            loop {
                match reader.read_event() {
                    Ok(quick_xml::events::Event::Start(e)) if root.is_none() => {
                        root = Some(String::from_utf8_lossy(e.name().as_ref()).into_owned());
                    }
                    Ok(quick_xml::events::Event::Eof) => break,
                    Ok(_) => {}
                    Err(e) => panic!("{file} is not XML: {e}"),
                }
            }
            assert_eq!(root.as_deref(), Some("testsuites"), "{file}");
        }
        "codequality" => {
            let json: serde_json::Value = serde_json::from_str(text).expect("JSON");
            assert!(json.is_array(), "{file} is a Code Quality array");
        }
        other => panic!("unknown report {other}"),
    }
}

fn doc_includes(file: &str, text: &str) {
    let doc = std::fs::read_to_string(docs().join("ci.md")).expect("docs/ci.md");
    assert!(
        doc.contains(&format!("```yaml\n{text}```")),
        "docs/ci.md includes docs/ci/{file} verbatim"
    );
}

#[test]
fn gitlab_pipeline_builds_checks_with_reports_and_publishes_pages() {
    let (text, yaml) = load_yaml("gitlab-ci.yml");
    doc_includes("gitlab-ci.yml", &text);
    let root = yaml.as_hash().expect("a mapping of jobs");
    let stages = strings(&yaml["stages"]);
    let keywords = [
        "variables",
        "default",
        "stages",
        "workflow",
        "include",
        "image",
        "cache",
    ];
    let jobs: Vec<(&str, &Yaml)> = root
        .iter()
        .filter_map(|(k, v)| k.as_str().map(|k| (k, v)))
        .filter(|(k, _)| !keywords.contains(k) && !k.starts_with('.'))
        .collect();
    assert!(jobs.len() >= 3, "{jobs:?}");
    let variables: HashMap<&str, &str> = yaml["variables"]
        .as_hash()
        .expect("variables")
        .iter()
        .filter_map(|(k, v)| Some((k.as_str()?, v.as_str()?)))
        .chain([
            ("CI_PAGES_URL", "https://group.gitlab.io/handbook"),
            ("CI_PROJECT_DIR", "/builds/group/handbook"),
            ("PATH", "/usr/bin"),
        ])
        .collect();
    let mut lines = strings(&yaml["default"]["before_script"]);
    let mut reports: Vec<(String, String)> = Vec::new(); // (kind, file)
    for (name, job) in &jobs {
        let stage = job["stage"]
            .as_str()
            .unwrap_or_else(|| panic!("{name} has a stage"));
        assert!(
            stages.iter().any(|s| s == stage),
            "{name}: stage {stage} is declared"
        );
        lines.extend(strings(&job["before_script"]));
        lines.extend(strings(&job["script"]));
        if let Some(r) = job["artifacts"]["reports"].as_hash() {
            for (kind, file) in r {
                reports.push((
                    kind.as_str().expect("report kind").to_string(),
                    file.as_str().expect("report file").to_string(),
                ));
            }
        }
    }
    let kinds: Vec<&str> = reports.iter().map(|(k, _)| k.as_str()).collect();
    assert!(
        kinds.contains(&"junit") && kinds.contains(&"codequality"),
        "{kinds:?}"
    );
    let pages = &yaml["pages"];
    assert_eq!(pages["stage"].as_str(), Some("deploy"));
    assert!(strings(&pages["artifacts"]["paths"])
        .iter()
        .any(|p| p.trim_end_matches('/') == "public"));

    let found = invocations(&lines, &variables);
    let subcommands: Vec<&str> = found
        .iter()
        .filter_map(|i| i.args.first().map(String::as_str))
        .collect();
    assert!(subcommands.contains(&"build") && subcommands.contains(&"check"));
    let written = run_all("gitlab-ci.yml", &found);
    for (kind, file) in &reports {
        let text = written
            .get(file)
            .unwrap_or_else(|| panic!("report {file} is written by a handbook command"));
        assert_is_report(file, text, kind);
    }
    assert!(
        written.contains_key("public/"),
        "the build writes the folder Pages publishes"
    );
}

#[test]
fn github_workflow_builds_checks_and_deploys_pages() {
    let (text, yaml) = load_yaml("github-pages.yml");
    doc_includes("github-pages.yml", &text);
    let jobs = yaml["jobs"].as_hash().expect("jobs");
    let mut lines = Vec::new();
    let mut uses = Vec::new();
    for (_, job) in jobs {
        assert!(job["runs-on"].as_str().is_some());
        for step in job["steps"].as_vec().expect("steps") {
            lines.extend(strings(&step["run"]));
            if let Some(action) = step["uses"].as_str() {
                uses.push(action.to_string());
            }
        }
    }
    for action in [
        "actions/checkout@",
        "actions/configure-pages@",
        "actions/upload-pages-artifact@",
        "actions/deploy-pages@",
    ] {
        assert!(uses.iter().any(|u| u.starts_with(action)), "uses {action}");
    }
    let deploy = &yaml["jobs"]["deploy"];
    assert_eq!(deploy["permissions"]["pages"].as_str(), Some("write"));
    assert_eq!(deploy["permissions"]["id-token"].as_str(), Some("write"));
    assert_eq!(deploy["environment"]["name"].as_str(), Some("github-pages"));

    let variables: HashMap<&str, &str> = yaml["env"]
        .as_hash()
        .expect("env")
        .iter()
        .filter_map(|(k, v)| Some((k.as_str()?, v.as_str()?)))
        .chain([(
            "steps.pages.outputs.base_url",
            "https://org.github.io/handbook",
        )])
        .collect();
    let found = invocations(&lines, &variables);
    let written = run_all("github-pages.yml", &found);
    let upload = yaml["jobs"]["build"]["steps"]
        .as_vec()
        .expect("steps")
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/upload-pages-artifact@"))
        })
        .expect("upload step");
    let path = upload["with"]["path"].as_str().expect("path");
    assert!(
        written.contains_key(&format!("{path}/")),
        "the build writes the uploaded folder"
    );
    assert!(written.contains_key("handbook-links.xml"));
    assert_is_report(
        "handbook-links.xml",
        &written["handbook-links.xml"],
        "junit",
    );
}

#[test]
fn shell_words_expand_and_stop_at_operators() {
    let vars = HashMap::from([("A", "x y"), ("steps.b", "z")]);
    let (words, out) = shell_words("handbook check --base-url \"$A\" > out.xml || true", &vars);
    assert_eq!(words, ["handbook", "check", "--base-url", "x y"]);
    assert_eq!(out.as_deref(), Some("out.xml"));
    let (words, _) = shell_words("handbook build --base-url \"${{ steps.b }}\"", &vars);
    assert_eq!(words[3], "z");
}
