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
    /// Where the external links are among the page's links (in the order
    /// [`links_in_order`] gives).
    external_at: Vec<u32>,
    broken: Vec<(BrokenLink, Diagnostic)>,
}

/// What a build keeps of one page's checked links for the next one (in the
/// page cache): the same links against the same link index resolve the
/// same way, so a one-page edit checks one page, not every link of the
/// site. Only pages without broken links are kept: a broken link's message
/// and help read other pages.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct LinkMemo {
    checked: u32,
    /// Other pages linked to, by page number, ascending.
    targets: Vec<u32>,
    /// Where the external links are among the page's links.
    external_at: Vec<u32>,
}

impl LinkMemo {
    fn of(links: &PageLinks) -> Option<LinkMemo> {
        if !links.broken.is_empty() {
            return None;
        }
        let mut targets: Vec<u32> = links.targets.iter().map(|&t| t as u32).collect();
        targets.sort_unstable();
        Some(LinkMemo {
            checked: links.checked as u32,
            targets,
            external_at: links.external_at.clone(),
        })
    }

    /// The results it stands for, on `rendered` (the same Markdown output
    /// it was made from).
    fn recall(&self, rendered: &Rendered) -> PageLinks {
        // Most pages link nowhere outside: their links are not read (a page
        // taken from the page cache keeps them packed).
        let external = match self.external_at.is_empty() {
            true => Vec::new(),
            false => {
                let links = links_in_order(rendered);
                self.external_at
                    .iter()
                    .filter_map(|&at| links.get(at as usize).map(|link| (*link).clone()))
                    .collect()
            }
        };
        PageLinks {
            checked: self.checked as usize,
            targets: self.targets.iter().map(|&t| t as usize).collect(),
            external,
            external_at: self.external_at.clone(),
            broken: Vec::new(),
        }
    }

    /// Feeds what it holds to a hasher (the page cache's shard keys).
    pub fn hash_into(&self, hasher: &mut xxhash_rust::xxh3::Xxh3) {
        hasher.update(&self.checked.to_le_bytes());
        for list in [&self.targets, &self.external_at] {
            hasher.update(&(list.len() as u64).to_le_bytes());
            for n in list {
                hasher.update(&n.to_le_bytes());
            }
        }
    }
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

/// [`check_all`], taking a page's results from `remembered[i]` where there
/// is one (the caller vouches that the page's Markdown output and the link
/// index are the ones it was made with). Returns what to remember of each
/// page for the next build.
pub fn check_all_remembering(
    index: &LinkIndex,
    pages: &[Page],
    rendered: &[Rendered],
    severity: Severity,
    remembered: &[Option<LinkMemo>],
) -> (LinkReport, Vec<Option<LinkMemo>>) {
    let per_page: Vec<(usize, PageLinks)> = (0..pages.len().min(rendered.len()))
        .into_par_iter()
        .map(|i| {
            let links = match remembered.get(i).and_then(Option::as_ref) {
                Some(memo) => memo.recall(&rendered[i]),
                None => check_page(index, i, &pages[i], &rendered[i], severity),
            };
            (i, links)
        })
        .collect();
    let mut memos = vec![None; pages.len()];
    for (i, links) in &per_page {
        memos[*i] = LinkMemo::of(links);
    }
    (report_of(per_page, pages.len()), memos)
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
    report_of(per_page, pages.len())
}

/// The site's report from each page's results, in page order.
fn report_of(per_page: Vec<(usize, PageLinks)>, pages: usize) -> LinkReport {
    let mut report = LinkReport {
        inbound: vec![0; pages],
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
    let links = links_in_order(rendered);
    let mut out = PageLinks {
        checked: links.len(),
        ..PageLinks::default()
    };
    let mut source: Option<SourceLines> = None;
    for (at, link) in links.into_iter().enumerate() {
        match index.resolve(i, link.href()) {
            Resolution::Page(target) if target != i => {
                out.targets.insert(target);
            }
            Resolution::External => {
                out.external.push(link.clone());
                out.external_at.push(at as u32);
            }
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

/// A page's links in the order of its file, each once: a reference
/// definition used by several links is one link in the source.
fn links_in_order(rendered: &Rendered) -> Vec<&Link> {
    let mut links: Vec<&Link> = rendered.links().iter().collect();
    links.sort_by_key(|l| l.span.start);
    links.dedup_by(|a, b| a.span.start == b.span.start && a.href() == b.href());
    links
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
