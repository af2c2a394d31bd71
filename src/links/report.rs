//! Every page's links checked against the link index: the broken ones as
//! `check --format json` records and as diagnostics at their place in the
//! page's file.

use foldhash::HashSet;
use rayon::prelude::*;
use serde::Serialize;

use super::{LinkIndex, Reason, Resolution};
use crate::content::Page;
use crate::diagnostics::{Diagnostic, LineIndex, Severity};
use crate::markdown::{Link, LinkKind, Rendered};

/// A broken link, as `check --format json` reports it.
#[derive(Debug, Clone, Serialize)]
pub struct BrokenLink {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub target: String,
    pub reason: Reason,
    pub message: String,
}

/// The outcome of checking every link of the site.
#[derive(Debug, Default)]
pub struct LinkReport {
    pub links_checked: usize,
    pub external: Vec<(usize, Link)>,
    pub diagnostics: Vec<Diagnostic>,
    pub broken: Vec<BrokenLink>,
    /// For each page, how many other pages link to it.
    pub inbound: Vec<usize>,
}

/// What checking one page's links found.
#[derive(Default)]
struct PageLinks {
    checked: usize,
    /// Other pages this page links to.
    targets: HashSet<usize>,
    external: Vec<Link>,
    broken: Vec<(BrokenLink, Diagnostic)>,
}

/// Checks every link on every page.
pub fn check_all(
    index: &LinkIndex,
    pages: &[Page],
    rendered: &[Rendered],
    severity: Severity,
) -> LinkReport {
    let all: Vec<usize> = (0..pages.len()).collect();
    check_pages(index, pages, rendered, severity, &all)
}

/// Checks the links on some pages only (`serve` rechecks the pages an edit can
/// affect); `inbound` then counts links from those pages only.
pub fn check_pages(
    index: &LinkIndex,
    pages: &[Page],
    rendered: &[Rendered],
    severity: Severity,
    which: &[usize],
) -> LinkReport {
    let per_page: Vec<(usize, PageLinks)> = which
        .par_iter()
        .filter(|&&i| i < rendered.len() && i < pages.len())
        .map(|&i| (i, check_page(index, i, &pages[i], &rendered[i], severity)))
        .collect();
    let mut report = LinkReport {
        inbound: vec![0; pages.len()],
        ..LinkReport::default()
    };
    for (i, page_links) in per_page {
        report.links_checked += page_links.checked;
        for target in page_links.targets {
            report.inbound[target] += 1;
        }
        report
            .external
            .extend(page_links.external.into_iter().map(|link| (i, link)));
        for (broken, diagnostic) in page_links.broken {
            report.broken.push(broken);
            report.diagnostics.push(diagnostic);
        }
    }
    report
}

fn check_page(
    index: &LinkIndex,
    i: usize,
    page: &Page,
    rendered: &Rendered,
    severity: Severity,
) -> PageLinks {
    let mut links: Vec<&Link> = rendered.links.iter().collect();
    links.sort_by_key(|l| l.span.start);
    // A reference definition used by several links is one link in the source.
    links.dedup_by(|a, b| a.span.start == b.span.start && a.href == b.href);
    let mut out = PageLinks {
        checked: links.len(),
        ..PageLinks::default()
    };
    let mut source: Option<SourceLines> = None;
    for link in links {
        match index.resolve(i, &link.href) {
            Resolution::Page(target) if target != i => {
                out.targets.insert(target);
            }
            Resolution::External => out.external.push(link.clone()),
            Resolution::Broken {
                reason,
                message,
                help,
            } => {
                let source = source.get_or_insert_with(|| SourceLines::of(page));
                out.broken.push(broken_link(
                    page, link, source, severity, reason, message, help,
                ));
            }
            Resolution::Page(_)
            | Resolution::Asset
            | Resolution::Generated
            | Resolution::Ignored => {}
        }
    }
    out
}

/// A page's whole text (read again when the build let its body go) and
/// its lines: where its broken links are shown.
pub struct SourceLines<'a> {
    text: std::borrow::Cow<'a, str>,
    lines: LineIndex,
}

impl<'a> SourceLines<'a> {
    pub fn of(page: &'a Page) -> SourceLines<'a> {
        let text = page.source_or_held();
        let lines = LineIndex::new(&text);
        SourceLines { text, lines }
    }
}

/// A broken link as both the JSON record and the diagnostic.
pub fn broken_link(
    page: &Page,
    link: &Link,
    source: &SourceLines,
    severity: Severity,
    reason: Reason,
    message: String,
    help: Option<String>,
) -> (BrokenLink, Diagnostic) {
    let what = match link.kind {
        LinkKind::Image | LinkKind::HtmlSrc => "broken image",
        _ => "broken link",
    };
    let location = source.lines.location(&source.text, link.span.clone());
    let mut d = Diagnostic::new(severity, reason.as_str(), format!("{what}: {message}"))
        .in_file(page.rel_path.clone())
        .at_location(location)
        .with_label(match reason {
            Reason::MissingAnchor => "no such anchor",
            Reason::MissingAsset => "no such file",
            Reason::External => "unreachable",
            _ => "no such page",
        })
        .with_target(link.target.clone());
    if let Some(help) = help {
        d = d.with_help(help);
    }
    let broken = BrokenLink {
        file: page.rel_path.clone(),
        line: d.line(),
        column: d.column(),
        target: link.target.clone(),
        reason,
        message: d.message.clone(),
    };
    (broken, d)
}
