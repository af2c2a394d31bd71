//! `handbook review`: the pages whose review is overdue or due soon, with
//! their owners, for people and for CI (shaped like `handbook check`:
//! human, JSON, JUnit and GitLab Code Quality reports); and the coverage
//! of ownership (pages without an owner, CODEOWNERS patterns that match
//! no page).

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::build::{self, Loaded};
use crate::check::{self, CodeQualityIssue, CodeQualityLines, CodeQualityLocation};
use crate::config::review::{Interval, OverdueSeverity};
use crate::config::Config;
use crate::diagnostics::{Diagnostic, LineIndex, Severity};
use crate::owners::review::Status;
use crate::render::Theme;

/// What `handbook review` lists.
#[derive(Debug, Clone, Default)]
pub struct ReviewOptions {
    /// Only pages this owner owns (a name, any case, or its slug).
    pub owner: Option<String>,
    /// The due-soon window (`--due-within`), else `[review] due_within`.
    pub due_within: Option<Interval>,
    /// Overdue reviews are errors (exit 1).
    pub strict: bool,
}

/// One review that is overdue or due soon: the JSON report's entry.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewEntry {
    /// The page's path, as `handbook check` names files.
    pub file: String,
    /// The line of the front matter field that dates the review.
    pub line: usize,
    pub owners: Vec<String>,
    /// `YYYY-MM-DD`; `null` when the page gives only `review_by`.
    pub reviewed: Option<String>,
    pub due: String,
    pub status: Status,
}

/// A CODEOWNERS pattern that matches no page.
#[derive(Debug, Clone, Serialize)]
pub struct UnmatchedPattern {
    pub file: String,
    pub line: usize,
    pub pattern: String,
}

pub struct ReviewResult {
    pub loaded: Loaded,
    pub reviews: Vec<ReviewEntry>,
    /// Pages (by path) without an owner, for the owner asked about: none.
    pub without_owner: Vec<String>,
    pub unmatched_patterns: Vec<UnmatchedPattern>,
    /// Overdue reviews count as errors (`--strict`, `[review] overdue`).
    pub overdue_is_error: bool,
    pub elapsed: Duration,
}

/// An unknown `--owner`: the message and a suggestion.
#[derive(Debug)]
pub struct UnknownOwner(pub Diagnostic);

pub fn review(config: &Config, options: &ReviewOptions) -> Result<ReviewResult, UnknownOwner> {
    let started = Instant::now();
    let static_paths: Vec<String> = Theme::load(config)
        .map(|t| t.static_files.keys().cloned().collect())
        .unwrap_or_default();
    let loaded = build::load(
        config,
        false,
        Severity::Warning,
        &static_paths,
        crate::markdown::AfterUse::Keep,
    );
    let owners = &loaded.rhythm.owners;
    let wanted = match &options.owner {
        None => None,
        Some(name) => Some(find_owner(owners, name)?),
    };
    let window = options.due_within.unwrap_or(config.review.due_within);
    let mut reviews: Vec<ReviewEntry> = owners
        .pages
        .iter()
        .zip(&loaded.content.pages)
        .filter(|(p, _)| wanted.as_ref().is_none_or(|w| p.owners.contains(w)))
        .filter_map(|(p, page)| {
            let review = p.review.as_ref()?;
            let due = review.due?;
            let status = Status::on(due, owners.today, window);
            (status != Status::Current).then(|| ReviewEntry {
                file: page.rel_path.clone(),
                line: review.line,
                owners: p.owners.clone(),
                reviewed: review.reviewed.map(|d| d.to_string()),
                due: due.to_string(),
                status,
            })
        })
        .collect();
    reviews.sort_by(|a, b| (a.status, &a.due, &a.file).cmp(&(b.status, &b.due, &b.file)));
    let without_owner = if wanted.is_some() {
        Vec::new()
    } else {
        owners
            .pages
            .iter()
            .zip(&loaded.content.pages)
            .filter(|(p, _)| p.owners.is_empty())
            .map(|(_, page)| page.rel_path.clone())
            .collect()
    };
    let unmatched_patterns = match (&owners.codeowners, &wanted) {
        (Some(file), None) => file
            .unmatched
            .iter()
            .map(|&r| UnmatchedPattern {
                file: file.display_path.clone(),
                line: file.parsed.rules[r].line,
                pattern: file.parsed.rules[r].pattern.clone(),
            })
            .collect(),
        _ => Vec::new(),
    };
    Ok(ReviewResult {
        overdue_is_error: options.strict || config.review.overdue == OverdueSeverity::Error,
        loaded,
        reviews,
        without_owner,
        unmatched_patterns,
        elapsed: started.elapsed(),
    })
}

/// The owner a name or slug from the command line means.
fn find_owner(owners: &crate::owners::Owners, wanted: &str) -> Result<String, UnknownOwner> {
    let slug = crate::cadence::slug(wanted);
    if let Some((name, _)) = owners
        .slugs
        .iter()
        .find(|(name, s)| name.eq_ignore_ascii_case(wanted.trim()) || **s == slug)
    {
        return Ok(name.clone());
    }
    let closest = owners
        .slugs
        .keys()
        .map(|n| {
            (
                n,
                strsim::jaro_winkler(&wanted.to_lowercase(), &n.to_lowercase()),
            )
        })
        .filter(|(_, score)| *score >= 0.8)
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(n, _)| n);
    let names: Vec<&str> = owners.slugs.keys().map(String::as_str).collect();
    let help = match closest {
        Some(n) => format!("did you mean `{n}`?"),
        None if names.is_empty() => "no page names an owner".to_string(),
        None => format!("the owners are: {}", names.join(", ")),
    };
    Err(UnknownOwner(
        Diagnostic::error("usage", format!("no page is owned by `{wanted}`")).with_help(help),
    ))
}

impl ReviewResult {
    pub fn overdue(&self) -> usize {
        self.reviews
            .iter()
            .filter(|r| r.status == Status::Overdue)
            .count()
    }

    pub fn due_soon(&self) -> usize {
        self.reviews.len() - self.overdue()
    }

    /// Errors in the owner and review fields (dates that cannot be read...).
    pub fn field_diagnostics(&self) -> &[Diagnostic] {
        &self.loaded.rhythm.owners.diagnostics
    }

    /// The exit code: 1 for errors in the fields, or for overdue reviews
    /// when they count as errors.
    pub fn failed(&self) -> bool {
        self.field_diagnostics().iter().any(Diagnostic::is_error)
            || (self.overdue_is_error && self.overdue() > 0)
    }

    /// Each review as a diagnostic at its front matter field, for the
    /// terminal.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        let pages = &self.loaded.content.pages;
        self.reviews
            .iter()
            .filter_map(|r| {
                let page = pages.iter().find(|p| p.rel_path == r.file)?;
                let lines = LineIndex::new(&page.text);
                let line_start = page
                    .text
                    .split_inclusive('\n')
                    .take(r.line.saturating_sub(1))
                    .map(str::len)
                    .sum::<usize>();
                let line_end = page.text[line_start..]
                    .find('\n')
                    .map_or(page.text.len(), |n| line_start + n);
                let severity = if r.status == Status::Overdue && self.overdue_is_error {
                    Severity::Error
                } else {
                    Severity::Warning
                };
                let (what, label) = match r.status {
                    Status::Overdue => ("overdue", "overdue"),
                    _ => ("due soon", "due soon"),
                };
                let owners = if r.owners.is_empty() {
                    "no owner".to_string()
                } else {
                    format!("owners: {}", r.owners.join(", "))
                };
                Some(
                    Diagnostic::new(
                        severity,
                        "review",
                        format!("review {what}: due {} ({owners})", r.due),
                    )
                    .in_file(r.file.clone())
                    .at_location(lines.location(&page.text, line_start..line_end))
                    .with_label(label),
                )
            })
            .collect()
    }
}

#[derive(Serialize)]
struct JsonReport<'a> {
    pages: usize,
    reviews: &'a [ReviewEntry],
    without_owner: &'a [String],
    unmatched_patterns: &'a [UnmatchedPattern],
    /// Errors in owner and review fields.
    errors: Vec<check::ReportedError>,
}

/// The JSON report: `{"pages": N, "reviews": [...]}` and the coverage.
pub fn to_json(result: &ReviewResult) -> String {
    let report = JsonReport {
        pages: result.loaded.content.pages.len(),
        reviews: &result.reviews,
        without_owner: &result.without_owner,
        unmatched_patterns: &result.unmatched_patterns,
        errors: result
            .field_diagnostics()
            .iter()
            .filter(|d| d.is_error())
            .map(|d| check::ReportedError {
                file: d.file.clone().unwrap_or_default(),
                line: d.line(),
                column: d.column(),
                code: d.code,
                message: d.message.clone(),
            })
            .collect(),
    };
    serde_json::to_string_pretty(&report).unwrap_or_default()
}

/// JUnit XML: one test case per review listed; an overdue one fails, one
/// due soon passes.
pub fn to_junit(result: &ReviewResult) -> String {
    let xml = crate::escape::xml;
    let failures = result.overdue();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"handbook review\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" time=\"{:.3}\">",
        result.reviews.len(),
        result.elapsed.as_secs_f64()
    );
    let _ = writeln!(
        out,
        "  <testsuite name=\"reviews\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\" time=\"{:.3}\">",
        result.reviews.len(),
        result.elapsed.as_secs_f64()
    );
    for r in &result.reviews {
        let file = xml(&r.file);
        let owners = xml(&r.owners.join(", "));
        let case = format!("<testcase classname=\"review\" name=\"{file}\" file=\"{file}\"");
        if r.status == Status::Overdue {
            let _ = writeln!(
                out,
                "    {case}>\n      <failure message=\"review overdue since {}\" type=\"overdue\">{file}:{}: review due {} ({owners})</failure>\n    </testcase>",
                r.due, r.line, r.due
            );
        } else {
            // Due soon: listed, not failed.
            let _ = writeln!(out, "    {case}/>");
        }
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

/// GitLab Code Quality: an issue per review listed (overdue: major, due
/// soon: minor). The fingerprint is the page and the status, so an issue
/// stays the same issue while the page waits for its review.
pub fn to_codequality(result: &ReviewResult, path_prefix: &str) -> String {
    let issues: Vec<CodeQualityIssue> = result
        .reviews
        .iter()
        .map(|r| {
            let path = if path_prefix.is_empty() {
                r.file.clone()
            } else {
                format!("{}/{}", path_prefix.trim_end_matches('/'), r.file)
            };
            let (check_name, severity, what) = match r.status {
                Status::Overdue => ("review-overdue", "major", "overdue"),
                _ => ("review-due-soon", "minor", "due soon"),
            };
            let owners = if r.owners.is_empty() {
                "no owner".to_string()
            } else {
                r.owners.join(", ")
            };
            CodeQualityIssue {
                description: format!("Review {what}: due {} ({owners})", r.due),
                check_name,
                fingerprint: format!(
                    "{:016x}",
                    check::fnv1a_64(format!("{}\0{check_name}", r.file).as_bytes())
                ),
                severity,
                location: CodeQualityLocation {
                    path,
                    lines: CodeQualityLines {
                        begin: r.line.max(1),
                    },
                },
            }
        })
        .collect();
    serde_json::to_string_pretty(&issues).unwrap_or_else(|_| "[]".into())
}
