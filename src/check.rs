//! `handbook check`: parse and resolve without rendering or writing, and report
//! broken links in the format CI wants.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::build::{self, Loaded};
use crate::config::Config;
use crate::diagnostics::{Report, Severity};
use crate::links::{self, external, BrokenLink, Reason, SourceLines};
use crate::render::Theme;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    Junit,
    Codequality,
}

/// An error of `check` other than a broken link, as the reports list it.
#[derive(Debug, Clone, Serialize)]
pub struct ReportedError {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub code: &'static str,
    pub message: String,
}

pub struct CheckResult {
    pub loaded: Loaded,
    pub elapsed: Duration,
    /// Pages no other page links to (with `--orphans`).
    pub orphans: Vec<String>,
    /// What `--external` did, when asked.
    pub external: Option<ExternalSummary>,
}

/// Counts for the summary line of `--external`.
#[derive(Debug, Clone, Copy, Default)]
pub struct ExternalSummary {
    pub urls: usize,
    pub from_cache: usize,
    pub broken_links: usize,
}

/// What `handbook check` does besides resolving internal links.
#[derive(Debug, Clone, Copy, Default)]
pub struct CheckOptions {
    /// List pages no other page links to.
    pub orphans: bool,
    /// Fetch http(s) links.
    pub external: bool,
    /// Take unchanged pages' Markdown output from the build cache.
    pub use_cache: bool,
}

impl CheckResult {
    pub fn pages(&self) -> usize {
        self.loaded.content.pages.len()
    }
    /// How many pages' Markdown output came from the build cache.
    pub fn pages_from_cache(&self) -> usize {
        self.loaded.hollow.iter().filter(|&&hollow| hollow).count()
    }
    pub fn broken(&self) -> &[BrokenLink] {
        &self.loaded.links.broken
    }
    /// Every error that is not a broken link (front matter, URLs, cadence,
    /// redirects...): each report format lists them too, so no format says
    /// "0 failures" while the exit code is 1.
    pub fn other_errors(&self) -> Vec<ReportedError> {
        let links: std::collections::HashSet<(&str, usize, usize, &str)> = self
            .broken()
            .iter()
            .map(|b| (b.file.as_str(), b.line, b.column, b.reason.as_str()))
            .collect();
        self.loaded
            .report
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .filter(|d| {
                let file = d.file.as_deref().unwrap_or("");
                !links.contains(&(file, d.line(), d.column(), d.code))
            })
            .map(|d| ReportedError {
                file: d.file.clone().unwrap_or_default(),
                line: d.line(),
                column: d.column(),
                code: d.code,
                message: d.message.clone(),
            })
            .collect()
    }
    pub fn report(&self) -> &Report {
        &self.loaded.report
    }
}

pub fn check(config: &Config, orphans: bool) -> CheckResult {
    check_with(
        config,
        &CheckOptions {
            orphans,
            external: false,
            use_cache: false,
        },
    )
}

pub fn check_with(config: &Config, options: &CheckOptions) -> CheckResult {
    let started = Instant::now();
    // Theme static files are link targets too (`/css/...`); a missing theme is
    // reported by build, not here.
    let static_paths: Vec<String> = Theme::load(config)
        .map(|t| t.static_files.keys().cloned().collect())
        .unwrap_or_default();
    let cache = build::cache::BuildCache::for_site(config).filter(|_| options.use_cache);
    let cache_dir = cache.as_ref().map(build::cache::BuildCache::dir);
    let mut loaded = build::load_for_check(config, Severity::Error, &static_paths, cache_dir);
    let orphans = if options.orphans {
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
    let external = options
        .external
        .then(|| check_external_links(config, &mut loaded));
    CheckResult {
        loaded,
        elapsed: started.elapsed(),
        orphans,
        external,
    }
}

/// Fetches the external links and adds the broken ones to the report, at the
/// link's position like any other broken link.
fn check_external_links(config: &Config, loaded: &mut Loaded) -> ExternalSummary {
    let found = external::check_external(config, &loaded.links.external);
    let pages = &loaded.content.pages;
    let mut sources: HashMap<usize, SourceLines> = HashMap::new();
    for (page, link, message) in &found.broken {
        let page_index = *page;
        let page = &pages[page_index];
        let source = sources
            .entry(page_index)
            .or_insert_with(|| SourceLines::of(page));
        let (broken, diagnostic) = links::broken_link(
            page,
            link,
            source,
            Severity::Error,
            Reason::External,
            message.clone(),
            None,
        );
        loaded.links.broken.push(broken);
        loaded.links.diagnostics.push(diagnostic.clone());
        loaded.report.push(diagnostic);
    }
    loaded.report.extend(found.warnings);
    let page_order: HashMap<&str, usize> = pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.rel_path.as_str(), i))
        .collect();
    loaded.links.broken.sort_by_key(|b| {
        (
            page_order
                .get(b.file.as_str())
                .copied()
                .unwrap_or(usize::MAX),
            b.line,
            b.column,
        )
    });
    ExternalSummary {
        urls: found.urls,
        from_cache: found.from_cache,
        broken_links: found.broken.len(),
    }
}

#[derive(Serialize)]
struct JsonReport<'a> {
    pages: usize,
    links_checked: usize,
    broken: &'a [BrokenLink],
    /// Errors other than broken links.
    errors: Vec<ReportedError>,
    #[serde(skip_serializing_if = "Option::is_none")]
    orphans: Option<&'a [String]>,
}

pub fn to_json(result: &CheckResult, with_orphans: bool) -> String {
    let report = JsonReport {
        pages: result.pages(),
        links_checked: result.loaded.links.links_checked,
        broken: result.broken(),
        errors: result.other_errors(),
        orphans: with_orphans.then_some(result.orphans.as_slice()),
    };
    serde_json::to_string_pretty(&report).unwrap_or_default()
}

fn xml_escape(text: &str) -> String {
    crate::escape::xml(text)
}

/// JUnit XML: one test case per page; a page with broken links fails.
pub fn to_junit(result: &CheckResult) -> String {
    let broken = result.broken();
    let mut by_file: std::collections::BTreeMap<&str, Vec<&BrokenLink>> = Default::default();
    for b in broken {
        by_file.entry(b.file.as_str()).or_default().push(b);
    }
    let pages = &result.loaded.content.pages;
    let errors = result.other_errors();
    let failures = by_file.len();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"handbook check\" tests=\"{}\" failures=\"{}\" errors=\"0\" time=\"{:.3}\">",
        pages.len() + errors.len(),
        failures + errors.len(),
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
    out.push_str("  </testsuite>\n");
    push_junit_errors(&mut out, &errors);
    out.push_str("</testsuites>\n");
    out
}

/// The errors other than broken links, one failed test case each.
fn push_junit_errors(out: &mut String, errors: &[ReportedError]) {
    if errors.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "  <testsuite name=\"content\" tests=\"{0}\" failures=\"{0}\" errors=\"0\" skipped=\"0\">",
        errors.len()
    );
    for e in errors {
        let file = xml_escape(&e.file);
        let _ = writeln!(
            out,
            "    <testcase classname=\"{}\" name=\"{file}:{}:{}\" file=\"{file}\">",
            e.code, e.line, e.column
        );
        let _ = writeln!(
            out,
            "      <failure message=\"{}\" type=\"{}\">{}:{}:{}: {}</failure>",
            xml_escape(&e.message),
            e.code,
            file,
            e.line,
            e.column,
            xml_escape(&e.message)
        );
        let _ = writeln!(out, "    </testcase>");
    }
    out.push_str("  </testsuite>\n");
}

/// One issue of a GitLab Code Quality report (`check` and `review`).
#[derive(Serialize)]
pub(crate) struct CodeQualityIssue {
    pub description: String,
    pub check_name: &'static str,
    pub fingerprint: String,
    pub severity: &'static str,
    pub location: CodeQualityLocation,
}

#[derive(Serialize)]
pub(crate) struct CodeQualityLocation {
    pub path: String,
    pub lines: CodeQualityLines,
}

#[derive(Serialize)]
pub(crate) struct CodeQualityLines {
    pub begin: usize,
}

/// GitLab Code Quality report: a JSON array of issues. `path_prefix` turns
/// content-relative paths into repository-relative ones.
///
/// The fingerprint is what GitLab compares between a merge request and its
/// target branch, so it leaves out the line: a broken link that moves down
/// the page when text is added above it is the same issue, not a new one.
pub fn to_codequality(result: &CheckResult, path_prefix: &str) -> String {
    let mut occurrences: HashMap<(&str, &str, &str), usize> = HashMap::new();
    let issues: Vec<CodeQualityIssue> = result
        .broken()
        .iter()
        .map(|b| {
            let path = if path_prefix.is_empty() {
                b.file.clone()
            } else {
                format!("{}/{}", path_prefix.trim_end_matches('/'), b.file)
            };
            let nth = occurrences
                .entry((&b.file, &b.target, b.reason.as_str()))
                .or_insert(0);
            *nth += 1;
            let identity = format!("{}\0{}\0{}\0{}", b.file, b.target, b.reason.as_str(), nth);
            CodeQualityIssue {
                description: format!("{} ({})", b.message, b.target),
                check_name: b.reason.as_str(),
                fingerprint: format!("{:016x}", fnv1a_64(identity.as_bytes())),
                severity: "major",
                location: CodeQualityLocation {
                    path,
                    lines: CodeQualityLines { begin: b.line },
                },
            }
        })
        .collect();
    let mut issues = issues;
    issues.extend(result.other_errors().into_iter().map(|e| {
        let path = if path_prefix.is_empty() {
            e.file.clone()
        } else {
            format!("{}/{}", path_prefix.trim_end_matches('/'), e.file)
        };
        let identity = format!("{}\0{}\0{}", e.file, e.code, e.message);
        CodeQualityIssue {
            description: e.message,
            check_name: e.code,
            fingerprint: format!("{:016x}", fnv1a_64(identity.as_bytes())),
            severity: "major",
            location: CodeQualityLocation {
                path,
                lines: CodeQualityLines {
                    begin: e.line.max(1),
                },
            },
        }
    }));
    serde_json::to_string_pretty(&issues).unwrap_or_else(|_| "[]".into())
}

/// FNV-1a: a fingerprint that stays the same across runs, machines and
/// compiler versions (the standard library's hasher promises none of that).
pub fn fnv1a_64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// The content folder as a path relative to the working folder (the
/// repository root in CI), for the paths in a Code Quality report.
pub fn repository_relative(content_dir: &std::path::Path) -> String {
    let relative = if content_dir.is_absolute() {
        std::env::current_dir()
            .ok()
            .and_then(|cwd| content_dir.strip_prefix(cwd).ok().map(|p| p.to_path_buf()))
            .unwrap_or_else(|| content_dir.to_path_buf())
    } else {
        content_dir.to_path_buf()
    };
    let text = relative.to_string_lossy().replace('\\', "/");
    let mut text = text.as_str();
    while let Some(rest) = text.strip_prefix("./") {
        text = rest;
    }
    if text == "." {
        text = "";
    }
    text.trim_end_matches('/').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_are_stable() {
        // Fixed values: a change here changes every fingerprint GitLab has stored.
        assert_eq!(fnv1a_64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a_64(b"a"), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn content_paths_relative_to_the_repository() {
        assert_eq!(
            repository_relative(std::path::Path::new("./content")),
            "content"
        );
        assert_eq!(repository_relative(std::path::Path::new(".")), "");
        assert_eq!(
            repository_relative(std::path::Path::new("docs/hb/")),
            "docs/hb"
        );
    }
}
