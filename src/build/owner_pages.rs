//! Owners and reviews in the site: what each page's template sees of its
//! owners and review, the `/owners/` page (every owner with their pages,
//! reviews due and overdue and the rhythm's activities they own; pages
//! without an owner; CODEOWNERS patterns that match no page) and the
//! review feeds (`/owners/reviews.ics`, `/owners/SLUG.ics`).

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use super::BuildError;
use crate::cadence::review_feed::{self, ReviewEvent};
use crate::cadence::{self, Rhythm};
use crate::config::Config;
use crate::content::site_urls::generated::{self, output_file};
use crate::content::site_urls::SiteUrls;
use crate::content::Content;
use crate::output::Sink;
use crate::owners::review::{human_date, Status};
use crate::owners::{Owners, Source};
use crate::render::context::{Nav, OwnerView, PageContext, PageView, ReviewView, SiteView};
use crate::render::Renderer;
use crate::site::Site;

/// Page `i`'s owners as its template sees them.
pub(super) fn page_owners(content: &Content, owners: &Owners, i: usize) -> Vec<OwnerView> {
    let page = owners.of_page(i);
    if page.owners.is_empty() {
        return Vec::new();
    }
    let (source, from) = source_text(content, owners, page.source.as_ref());
    page.owners
        .iter()
        .map(|name| {
            let slug = owners.slug_of(name);
            OwnerView {
                name: name.clone(),
                slug: slug.to_string(),
                url: format!("{}#{}", content.urls.href(generated::OWNERS), anchor(slug)),
                source,
                from: from.clone(),
            }
        })
        .collect()
}

/// Page `i`'s review as its template sees it.
pub(super) fn page_review(owners: &Owners, i: usize) -> Option<ReviewView> {
    let review = owners.of_page(i).review.as_ref()?;
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let text = |d: Option<chrono::NaiveDate>| d.map(human_date).unwrap_or_default();
    Some(ReviewView {
        reviewed: date(review.reviewed),
        reviewed_text: text(review.reviewed),
        due: date(review.due),
        due_text: text(review.due),
        interval: review.interval.map(|i| i.describe()).unwrap_or_default(),
        status: review.status.map_or("", Status::as_str),
    })
}

/// "Owned by A, B · Reviewed 21 Oct 2024 · next review due 21 Apr 2025"
/// (marked when due soon or overdue), as the default theme shows it under
/// the title; empty when the page has neither.
pub(super) fn ownership_html(owners: &[OwnerView], review: Option<&ReviewView>) -> String {
    use crate::escape::html_into;
    if owners.is_empty() && review.is_none() {
        return String::new();
    }
    let mut out = String::with_capacity(256);
    out.push_str("<p class=\"doc-ownership\">");
    if !owners.is_empty() {
        out.push_str("<span class=\"doc-owners\">Owned by ");
        for (k, owner) in owners.iter().enumerate() {
            if k > 0 {
                out.push_str(", ");
            }
            out.push_str("<a href=\"");
            html_into(&owner.url, &mut out);
            out.push_str("\">");
            html_into(&owner.name, &mut out);
            out.push_str("</a>");
        }
        out.push_str("</span>");
    }
    if let Some(r) = review {
        if !owners.is_empty() {
            out.push_str("<span aria-hidden=\"true\"> · </span>");
        }
        out.push_str(match r.status {
            "overdue" => "<span class=\"doc-review is-overdue\">",
            "due-soon" => "<span class=\"doc-review is-due-soon\">",
            _ => "<span class=\"doc-review\">",
        });
        let time = |out: &mut String, date: &str, text: &str| {
            out.push_str("<time datetime=\"");
            out.push_str(date);
            out.push_str("\">");
            out.push_str(text);
            out.push_str("</time>");
        };
        if !r.reviewed.is_empty() {
            out.push_str("Reviewed ");
            time(&mut out, &r.reviewed, &r.reviewed_text);
        }
        if !r.due.is_empty() {
            out.push_str(if r.reviewed.is_empty() {
                "Review due "
            } else {
                " · next review due "
            });
            time(&mut out, &r.due, &r.due_text);
        }
        out.push_str(match r.status {
            "overdue" => " <strong class=\"review-flag\">Overdue</strong>",
            "due-soon" => " <strong class=\"review-flag\">Due soon</strong>",
            _ => "",
        });
        out.push_str("</span>");
    }
    out.push_str("</p>");
    out
}

/// The id of an owner's entry on `/owners/`.
fn anchor(slug: &str) -> String {
    format!("owner-{slug}")
}

/// `(source, from)`: how a page got its owners, in words.
fn source_text(
    content: &Content,
    owners: &Owners,
    source: Option<&Source>,
) -> (&'static str, String) {
    match source {
        Some(Source::FrontMatter { key }) => ("front matter", (*key).to_string()),
        Some(Source::Section { page }) => (
            "section",
            content
                .pages
                .get(*page)
                .map(|p| p.rel_path.clone())
                .unwrap_or_default(),
        ),
        Some(Source::CodeOwners { line }) => (
            "CODEOWNERS",
            format!(
                "{}:{line}",
                owners
                    .codeowners
                    .as_ref()
                    .map_or("CODEOWNERS", |c| c.display_path.as_str())
            ),
        ),
        Some(Source::Default) => ("site default", "default_owner".to_string()),
        None => ("", String::new()),
    }
}

/// A page as `/owners/` lists it.
#[derive(Serialize)]
struct PageEntry {
    title: String,
    url: String,
    source_path: String,
    owned_by: &'static str,
    reviewed: String,
    due: String,
    due_text: String,
    status: &'static str,
}

#[derive(Serialize)]
struct ActivityEntry {
    activity: String,
    every: String,
    url: String,
}

#[derive(Serialize)]
struct OwnerEntry {
    name: String,
    slug: String,
    anchor: String,
    ics_url: String,
    /// Their page on the rhythm's owners, when they own activities.
    cadence_url: String,
    /// Their Slack channel or person (`[review] slack_workspace`).
    slack_url: String,
    /// Every page they own.
    page_count: usize,
    /// Their pages with no review overdue or due soon.
    pages: Vec<PageEntry>,
    overdue: Vec<PageEntry>,
    due_soon: Vec<PageEntry>,
    activities: Vec<ActivityEntry>,
}

#[derive(Serialize)]
struct UnmatchedPattern {
    line: usize,
    pattern: String,
    owners: String,
}

/// What `owners/index.html` gets as `directory`. Not the day itself: the
/// page is kept from the last build while every review's status is the
/// same (see [`crate::owners::Owners::fingerprint`]).
#[derive(Serialize)]
struct Directory {
    due_within: String,
    pages: usize,
    without_owner_count: usize,
    overdue_count: usize,
    due_soon_count: usize,
    owners: Vec<OwnerEntry>,
    without_owner: Vec<PageEntry>,
    codeowners_path: String,
    unmatched_patterns: Vec<UnmatchedPattern>,
    ics_url: String,
}

/// What the owner pages are rendered from.
pub(super) struct OwnerPagesInput<'a> {
    pub config: &'a Config,
    pub renderer: &'a Renderer,
    pub config_value: &'a Value,
    pub site_view: &'a SiteView,
    pub content: &'a Content,
    pub site: &'a Site,
    pub rhythm: &'a Rhythm,
}

/// Writes `/owners/` and the review feeds; returns the site paths of the
/// pages written (a content page at `/owners/` wins).
pub(super) fn write_owner_pages(
    input: &OwnerPagesInput,
    sink: &dyn Sink,
) -> Result<Vec<String>, BuildError> {
    let (config, content, owners) = (input.config, input.content, &input.rhythm.owners);
    let mut timings = crate::timings::Timings::start();
    let entry = |i: usize| page_entry(input, i);
    let activities = cadence_owners(input);
    // Every owner of a page, and every owner of an activity.
    let mut by_name: BTreeMap<String, OwnerEntry> = BTreeMap::new();
    for (name, slug) in &owners.slugs {
        by_name.insert(name.clone(), owner_entry(config, &content.urls, name, slug));
    }
    for (i, page) in owners.pages.iter().enumerate() {
        for name in &page.owners {
            if let Some(owner) = by_name.get_mut(name) {
                // Each page once: under its review's status, or with the rest.
                let listed = entry(i);
                owner.page_count += 1;
                match page.review.as_ref().and_then(|r| r.status) {
                    Some(Status::Overdue) => owner.overdue.push(listed),
                    Some(Status::DueSoon) => owner.due_soon.push(listed),
                    _ => owner.pages.push(listed),
                }
            }
        }
    }
    for (name, (url, list)) in activities {
        let key = by_name
            .keys()
            .find(|n| n.eq_ignore_ascii_case(&name) || cadence::slug(n) == cadence::slug(&name))
            .cloned();
        let owner = match key {
            Some(key) => by_name.get_mut(&key),
            None => {
                let slug = cadence::slug(&name);
                by_name
                    .entry(name.clone())
                    .or_insert_with(|| owner_entry(config, &content.urls, &name, &slug));
                by_name.get_mut(&name)
            }
        };
        if let Some(owner) = owner {
            owner.cadence_url = url;
            owner.activities = list;
        }
    }
    for owner in by_name.values_mut() {
        owner.overdue.sort_by(|a, b| a.due.cmp(&b.due));
        owner.due_soon.sort_by(|a, b| a.due.cmp(&b.due));
    }
    // A site that names no owner at all gets the count, not every page.
    let without_owner: Vec<PageEntry> = if owners.slugs.is_empty() {
        Vec::new()
    } else {
        owners
            .pages
            .iter()
            .enumerate()
            .filter(|(_, p)| p.owners.is_empty())
            .map(|(i, _)| entry(i))
            .collect()
    };
    let unmatched_patterns = owners
        .codeowners
        .as_ref()
        .map(|file| {
            file.unmatched
                .iter()
                .map(|&r| {
                    let rule = &file.parsed.rules[r];
                    UnmatchedPattern {
                        line: rule.line,
                        pattern: rule.pattern.clone(),
                        owners: rule.owners.join(" "),
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    let directory = Directory {
        due_within: owners.due_within.map(|d| d.describe()).unwrap_or_default(),
        pages: content.pages.len(),
        without_owner_count: owners.without_owner(),
        overdue_count: owners.overdue(),
        due_soon_count: owners.count(Status::DueSoon),
        owners: by_name.into_values().collect(),
        without_owner,
        codeowners_path: owners
            .codeowners
            .as_ref()
            .map(|c| c.display_path.clone())
            .unwrap_or_default(),
        unmatched_patterns,
        ics_url: content.urls.href(generated::OWNER_REVIEWS_ICS),
    };
    write_feeds(input, sink)?;
    if content
        .pages
        .iter()
        .any(|p| p.url.path == generated::OWNERS)
    {
        return Ok(Vec::new());
    }
    let nav = match input.site.sections.iter().position(|s| s.dir.is_empty()) {
        Some(top) => input.site.section_nav(top, &content.pages),
        None => Vec::new(),
    };
    let context = PageContext {
        config: input.config_value,
        page: PageView::generated(
            "Owners and reviews",
            "Who owns which pages, which reviews are due, and the recurring activities each owner runs.",
            generated::OWNERS,
            &content.urls,
        ),
        section: None,
        breadcrumbs: Vec::new(),
        nav: Nav::Tree(nav),
        prev: None,
        next: None,
        site: input.site_view,
    };
    let mut tera = context.to_tera();
    tera.insert("directory", &directory);
    let html = input
        .renderer
        .render("owners/index.html", &tera)
        .map_err(BuildError::from)?;
    sink.write(&output_file(generated::OWNERS), html.as_bytes())?;
    timings.mark("owners: page");
    Ok(vec![generated::OWNERS.to_string()])
}

fn owner_entry(config: &Config, urls: &SiteUrls, name: &str, slug: &str) -> OwnerEntry {
    OwnerEntry {
        name: name.to_string(),
        slug: slug.to_string(),
        anchor: anchor(slug),
        ics_url: urls.href(&generated::owner_reviews_ics(slug)),
        cadence_url: String::new(),
        slack_url: config.review.slack_url(name).unwrap_or_default(),
        page_count: 0,
        pages: Vec::new(),
        overdue: Vec::new(),
        due_soon: Vec::new(),
        activities: Vec::new(),
    }
}

fn page_entry(input: &OwnerPagesInput, i: usize) -> PageEntry {
    let owners = &input.rhythm.owners;
    let page = &input.content.pages[i];
    let ownership = owners.of_page(i);
    let review = ownership.review.as_ref();
    PageEntry {
        title: input.site.titles[i].clone(),
        url: input.content.urls.href(&page.url.path),
        source_path: page.rel_path.clone(),
        owned_by: source_text(input.content, owners, ownership.source.as_ref()).0,
        reviewed: review
            .and_then(|r| r.reviewed)
            .map(|d| d.to_string())
            .unwrap_or_default(),
        due: review
            .and_then(|r| r.due)
            .map(|d| d.to_string())
            .unwrap_or_default(),
        due_text: review
            .and_then(|r| r.due)
            .map(human_date)
            .unwrap_or_default(),
        status: review.and_then(|r| r.status).map_or("", Status::as_str),
    }
}

/// The rhythm's owners: name -> (their cadence page, their activities).
fn cadence_owners(input: &OwnerPagesInput) -> BTreeMap<String, (String, Vec<ActivityEntry>)> {
    let view = input.rhythm.index.view(&cadence::index::Filter::default());
    view.owners
        .into_iter()
        .map(|group| {
            let list = group
                .activities
                .iter()
                .map(|a| ActivityEntry {
                    activity: a.activity.clone(),
                    every: a
                        .every
                        .iter()
                        .map(|e| e.label.as_str())
                        .collect::<Vec<_>>()
                        .join(" / "),
                    url: a.url.clone(),
                })
                .collect();
            (group.name, (group.url, list))
        })
        .collect()
}

/// The review feeds: the site's, and one per owner of a page.
fn write_feeds(input: &OwnerPagesInput, sink: &dyn Sink) -> Result<(), BuildError> {
    let (config, content, owners) = (input.config, input.content, &input.rhythm.owners);
    let host = config
        .internal_hosts
        .first()
        .map_or("handbook", String::as_str);
    // Each page's event, written once.
    let events: Vec<(usize, String)> = owners
        .pages
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            let review = p.review.as_ref()?;
            let page = &content.pages[i];
            let event = ReviewEvent {
                id: match cadence::slug(&page.url.path) {
                    s if s.is_empty() => "home".into(),
                    s => s,
                },
                title: &input.site.titles[i],
                url: content.urls.permalink(&page.url.path),
                due: review.due?,
                reviewed: review.reviewed,
                owners: &p.owners,
                source: &page.rel_path,
            };
            Some((i, review_feed::event(host, &event)))
        })
        .collect();
    let name = format!("{}: reviews due", config.site.title);
    let info = cadence::ical::FeedInfo {
        name: &name,
        description: "The day each page's next review is due.",
        host,
        start: owners.today,
    };
    sink.write(
        &output_file(generated::OWNER_REVIEWS_ICS),
        review_feed::calendar(&info, events.iter().map(|(_, e)| e.as_str())).as_bytes(),
    )?;
    let mut per_owner: BTreeMap<&str, Vec<&str>> = owners
        .slugs
        .keys()
        .map(|name| (name.as_str(), Vec::new()))
        .collect();
    for (i, event) in &events {
        for name in &owners.pages[*i].owners {
            per_owner.entry(name.as_str()).or_default().push(event);
        }
    }
    for (name, list) in per_owner {
        let feed_name = format!("{}: reviews due for {name}", config.site.title);
        let info = cadence::ical::FeedInfo {
            name: &feed_name,
            ..info
        };
        sink.write(
            &output_file(&generated::owner_reviews_ics(owners.slug_of(name))),
            review_feed::calendar(&info, list).as_bytes(),
        )?;
    }
    Ok(())
}
