//! `handbook check`: parse and resolve without rendering or writing, and report
//! broken links in the format CI wants.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::build::{self, Loaded};
use crate::config::Config;
use crate::diagnostics::{Report, Severity};
use crate::links::BrokenLink;
use crate::render::Theme;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    Junit,
    Codequality,
}

pub struct CheckResult {
    pub loaded: Loaded,
    pub elapsed: Duration,
    /// Pages no other page links to (with `--orphans`).
    pub orphans: Vec<String>,
}

impl CheckResult {
    pub fn pages(&self) -> usize {
        self.loaded.content.pages.len()
    }
    pub fn broken(&self) -> &[BrokenLink] {
        &self.loaded.links.broken
    }
    pub fn report(&self) -> &Report {
        &self.loaded.report
    }
}

pub fn check(config: &Config, orphans: bool) -> CheckResult {
    let started = Instant::now();
    // Theme static files are link targets too (`/css/...`); a missing theme is
    // reported by build, not here.
    let static_paths: Vec<String> = Theme::load(config)
        .map(|t| t.static_files.keys().cloned().collect())
        .unwrap_or_default();
    let loaded = build::load(config, false, Severity::Error, &static_paths);
    let orphans = if orphans {
        loaded
            .content
            .pages
            .iter()
            .enumerate()
            .filter(|(i, p)| loaded.links.inbound[*i] == 0 && p.url.path != "/")
            .map(|(_, p)| p.rel_path.clone())
            .collect()
    } else {
        Vec::new()
    };
    CheckResult {
        loaded,
        elapsed: started.elapsed(),
        orphans,
    }
}

#[derive(Serialize)]
struct JsonReport<'a> {
    pages: usize,
    links_checked: usize,
    broken: &'a [BrokenLink],
    #[serde(skip_serializing_if = "Option::is_none")]
    orphans: Option<&'a [String]>,
}

pub fn to_json(result: &CheckResult, with_orphans: bool) -> String {
    let report = JsonReport {
        pages: result.pages(),
        links_checked: result.loaded.links.links_checked,
        broken: result.broken(),
        orphans: with_orphans.then_some(result.orphans.as_slice()),
    };
    serde_json::to_string_pretty(&report).unwrap_or_default()
}

fn xml_escape(text: &str) -> String {
    crate::markdown::highlight::escape(text)
}

/// JUnit XML: one test case per page; a page with broken links fails.
pub fn to_junit(result: &CheckResult) -> String {
    let broken = result.broken();
    let mut by_file: std::collections::BTreeMap<&str, Vec<&BrokenLink>> = Default::default();
    for b in broken {
        by_file.entry(b.file.as_str()).or_default().push(b);
    }
    let pages = &result.loaded.content.pages;
    let failures = by_file.len();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"handbook check\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" time=\"{:.3}\">",
        pages.len(),
        result.elapsed.as_secs_f64()
    );
    let _ = writeln!(
        out,
        "  <testsuite name=\"links\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\" time=\"{:.3}\">",
        pages.len(),
        result.elapsed.as_secs_f64()
    );
    for page in pages {
        let name = xml_escape(&page.rel_path);
        match by_file.get(page.rel_path.as_str()) {
            None => {
                let _ = writeln!(
                    out,
                    "    <testcase classname=\"links\" name=\"{name}\" file=\"{name}\"/>"
                );
            }
            Some(list) => {
                let _ = writeln!(
                    out,
                    "    <testcase classname=\"links\" name=\"{name}\" file=\"{name}\">"
                );
                let mut body = String::new();
                for b in list {
                    let _ = writeln!(
                        body,
                        "{}:{}:{}: {} ({})",
                        b.file,
                        b.line,
                        b.column,
                        b.message,
                        b.reason.as_str()
                    );
                }
                let _ = writeln!(
                    out,
                    "      <failure message=\"{} broken link(s)\" type=\"broken-link\">{}</failure>",
                    list.len(),
                    xml_escape(&body)
                );
                let _ = writeln!(out, "    </testcase>");
            }
        }
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

#[derive(Serialize)]
struct CodeQualityIssue {
    description: String,
    check_name: &'static str,
    fingerprint: String,
    severity: &'static str,
    location: CodeQualityLocation,
}

#[derive(Serialize)]
struct CodeQualityLocation {
    path: String,
    lines: CodeQualityLines,
}

#[derive(Serialize)]
struct CodeQualityLines {
    begin: usize,
}

/// GitLab Code Quality report: a JSON array of issues. `path_prefix` turns
/// content-relative paths into repository-relative ones.
pub fn to_codequality(result: &CheckResult, path_prefix: &str) -> String {
    let issues: Vec<CodeQualityIssue> = result
        .broken()
        .iter()
        .map(|b| {
            let path = if path_prefix.is_empty() {
                b.file.clone()
            } else {
                format!("{}/{}", path_prefix.trim_end_matches('/'), b.file)
            };
            let mut hasher = std::collections::hash_map::DefaultHasher::new();
            std::hash::Hash::hash(&(&b.file, &b.target, b.line, b.column), &mut hasher);
            CodeQualityIssue {
                description: format!("{} ({})", b.message, b.target),
                check_name: b.reason.as_str(),
                fingerprint: format!("{:016x}", std::hash::Hasher::finish(&hasher)),
                severity: "major",
                location: CodeQualityLocation {
                    path,
                    lines: CodeQualityLines { begin: b.line },
                },
            }
        })
        .collect();
    serde_json::to_string_pretty(&issues).unwrap_or_else(|_| "[]".into())
}
