//! Redirects declared in front matter, as pages and as a `_redirects` file.
//!
//! - `redirect_to: TARGET` (Middleman, the GitLab handbook): the page itself
//!   is replaced by a redirect to TARGET, which is resolved like a link
//!   written on the page (relative, root-relative, `x.md`, or another site).
//! - `aliases: [PATH, ...]` (Hugo) and `redirect_from: [PATH, ...]` (Jekyll):
//!   each old PATH gets a redirect to the page.
//! - `[redirects]` in `site.toml` (and the tables of mdBook's `book.toml`
//!   and the MkDocs redirects plugin, read into it): `"/old/" = TARGET`,
//!   TARGET resolved like a link written at the site root; an old path that
//!   is a source file (`old.md`) stands for the URL it had.
//!
//! Every redirect is written as a small HTML page (meta refresh, canonical
//! link, `noindex`) and as a line of `_redirects` (Netlify, GitLab Pages and
//! Cloudflare Pages read it and answer with a real 301). A redirect to a page
//! that does not exist is reported like a broken link; an alias that would
//! land outside the output folder, or on top of a page, is an error.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, CONTROLS};
use serde_json::Value;

use crate::config::Config;
use crate::content::site_urls::SiteUrls;
use crate::content::{front_matter, url, Page};
use crate::diagnostics::{Diagnostic, Severity};
use crate::escape::html as escape;
use crate::links::{normalize, LinkIndex, Resolution};
use crate::output::reserved::ReservedOutputs;

/// Front matter keys that list old paths of a page.
const ALIAS_KEYS: &[&str] = &["aliases", "redirect_from"];
const REDIRECT_TO: &str = "redirect_to";

/// One redirect to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    /// The old site path (without the base path), `/old/place/`.
    pub from: String,
    /// Where the redirect page is written, inside the output folder.
    pub output: String,
    /// Where readers are sent: a URL as written in `href` (base path included),
    /// or another site's absolute URL.
    pub to: String,
    /// The page that declared it (`None`: the site's settings).
    pub page: Option<usize>,
}

/// Every redirect of the site, and what is wrong with the declarations.
#[derive(Debug, Default)]
pub struct Plan {
    pub redirects: Vec<Redirect>,
    /// Pages with a working `redirect_to`: written as redirects, not rendered,
    /// and left out of search, sitemap and feed.
    pub replaced: HashSet<usize>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Whether the site or any page declares a redirect (most sites: none, and
/// nothing to do).
pub fn any_declared(config: &Config, pages: &[Page]) -> bool {
    !config.site.redirects.is_empty()
        || config.detected == Some(crate::config::detect::Generator::MdBook)
        || pages.iter().any(|p| {
            p.front.extra.contains_key(REDIRECT_TO)
                || ALIAS_KEYS.iter().any(|k| p.front.extra.contains_key(*k))
        })
}

/// The site paths of every well-formed alias: pages the link checker must
/// accept before the plan (which needs the link index) exists.
pub fn alias_paths(config: &Config, pages: &[Page]) -> Vec<String> {
    let declared = config
        .site
        .redirects
        .keys()
        .filter_map(|old| old_path(old).ok())
        .map(|(path, _)| path);
    pages
        .iter()
        .flat_map(|page| {
            declared_aliases(page)
                .into_iter()
                .filter_map(|(_, alias)| alias_path(page, alias.as_deref()?).ok())
        })
        .map(|(path, _)| path)
        .chain(declared)
        .collect()
}

/// Works out every redirect, checking targets with the link index.
/// `severity` is what a missing target is (the severity of broken links).
pub fn plan(
    config: &Config,
    pages: &[Page],
    index: &LinkIndex,
    reserved: &ReservedOutputs,
    severity: Severity,
) -> Plan {
    let mut plan = Plan::default();
    let page_outputs: HashMap<&str, usize> = pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.url.output.as_str(), i))
        .collect();
    let mut taken: HashMap<String, usize> = HashMap::new();
    for (i, page) in pages.iter().enumerate() {
        if let Some(value) = page.front.extra.get(REDIRECT_TO) {
            redirect_page(pages, index, severity, i, value, &mut plan);
        }
        for (key, alias) in declared_aliases(page) {
            let span = value_span(page, key, alias.as_deref().unwrap_or(""));
            let at = |d: Diagnostic| {
                d.in_file(page.rel_path.clone())
                    .at(&page.text, span.clone())
            };
            let Some(alias) = alias else {
                plan.diagnostics.push(at(Diagnostic::error(
                    "redirect",
                    format!("`{key}` must be a path or a list of paths"),
                )
                .with_help(format!("{key}: [/old/place/, /older/place/]"))));
                continue;
            };
            let (path, output) = match alias_path(page, &alias) {
                Ok(ok) => ok,
                Err(why) => {
                    plan.diagnostics.push(at(Diagnostic::error(
                        "redirect",
                        format!("`{key}` entry `{alias}` {why}"),
                    )
                    .with_label("unsafe alias")
                    .with_help("write a path on this site, such as `/old/place/`")));
                    continue;
                }
            };
            if path == page.url.path {
                plan.diagnostics.push(at(Diagnostic::warning(
                    "redirect",
                    format!("`{key}` entry `{alias}` is this page's own URL"),
                )));
                continue;
            }
            if let Some(&other) = page_outputs.get(output.as_str()) {
                plan.diagnostics.push(at(Diagnostic::error(
                    "redirect",
                    format!(
                        "`{key}` entry `{alias}` is the URL of `{}`",
                        pages[other].rel_path
                    ),
                )
                .with_label("already a page")
                .with_help("remove the alias, or move the other page")));
                continue;
            }
            if let Some(who) = reserved.claimant(&output) {
                plan.diagnostics.push(at(Diagnostic::error(
                    "redirect",
                    format!("`{key}` entry `{alias}` would replace {who} with a redirect"),
                )
                .with_label("generated by handbook")
                .with_help("remove the alias")));
                continue;
            }
            if let Some(&other) = taken.get(&output) {
                if other != i {
                    // Jekyll and Middleman build such a site: the first page
                    // (by path) keeps the redirect; `--strict` refuses it.
                    plan.diagnostics.push(at(Diagnostic::new(
                        severity,
                        "redirect",
                        format!(
                            "`{key}` entry `{alias}` is also an alias of `{}`, whose redirect wins",
                            pages[other].rel_path
                        ),
                    )
                    .with_help("remove the alias from one of the two pages")));
                }
                continue;
            }
            taken.insert(output.clone(), i);
            plan.redirects.push(Redirect {
                from: path,
                output,
                to: index.urls().href(&page.url.path),
                page: Some(i),
            });
        }
    }
    let settings = SiteSettings {
        pages,
        index,
        reserved,
        severity,
        page_outputs: &page_outputs,
    };
    settings.plan(config, &taken, &mut plan);
    if config.detected == Some(crate::config::detect::Generator::MdBook) {
        settings.plan_mdbook_urls(&taken, &mut plan);
    }
    // An alias of a page that is itself a redirect goes straight to the end.
    let final_target: HashMap<usize, String> = plan
        .redirects
        .iter()
        .filter_map(|r| {
            let page = r.page?;
            (plan.replaced.contains(&page) && r.from == pages[page].url.path)
                .then(|| (page, r.to.clone()))
        })
        .collect();
    for r in &mut plan.redirects {
        if let Some(to) = r.page.and_then(|page| final_target.get(&page)) {
            r.to.clone_from(to);
        }
    }
    plan.redirects.sort_by(|a, b| a.from.cmp(&b.from));
    plan
}

/// A `redirect_to` as the page's generator reads it. In TOML front matter
/// (`+++`, Zola's) a path is from the site root, `docs/start` too, as Zola
/// makes it a permalink; YAML's (Middleman's) is relative to the page.
fn site_rooted<'t>(page: &Page, target: &'t str) -> std::borrow::Cow<'t, str> {
    let relative_path = !target.starts_with(['/', '#', '.'])
        && !target.contains("://")
        && !target.starts_with("mailto:");
    if page.split.format == front_matter::Format::Toml && relative_path {
        std::borrow::Cow::Owned(format!("/{target}"))
    } else {
        std::borrow::Cow::Borrowed(target)
    }
}

fn redirect_page(
    pages: &[Page],
    index: &LinkIndex,
    severity: Severity,
    i: usize,
    value: &Value,
    plan: &mut Plan,
) {
    let page = &pages[i];
    let span = front_matter::key_span(&page.text, &page.split.front, REDIRECT_TO);
    let at = |d: Diagnostic| {
        d.in_file(page.rel_path.clone())
            .at(&page.text, span.clone())
    };
    let Some(target) = value.as_str().map(str::trim).filter(|t| !t.is_empty()) else {
        plan.diagnostics.push(at(Diagnostic::error(
            "redirect",
            "`redirect_to` must be a URL or a path",
        )
        .with_help("redirect_to: /new/place/")));
        return;
    };
    if let Some(scheme) = crate::markdown::safety::script_scheme(target) {
        plan.diagnostics.push(at(Diagnostic::error(
            "redirect",
            format!("`redirect_to` may not be a `{scheme}:` URL"),
        )
        .with_label("runs a script in the reader's browser")
        .with_help("redirect to a page of this site or an http(s) address")));
        return;
    }
    let target = site_rooted(page, target);
    let target = target.as_ref();
    let fragment = target.find('#').map(|h| &target[h..]).unwrap_or("");
    let to = match index.resolve(i, target) {
        Resolution::Page(j) if j == i => {
            plan.diagnostics.push(at(Diagnostic::warning(
                "redirect",
                format!("`redirect_to: {target}` points at this page itself; the page is published as it is"),
            )
            .with_label("redirect loop")
            .with_help("write the path of the page readers should go to, such as `../`")));
            return;
        }
        Resolution::Page(j) => format!("{}{fragment}", index.urls().href(&pages[j].url.path)),
        Resolution::Asset | Resolution::Generated => {
            internal_url(index.urls(), &page.url.path, target, fragment)
        }
        Resolution::External | Resolution::Ignored => target.to_string(),
        Resolution::Broken { message, help, .. } => {
            let mut d = at(Diagnostic::new(
                severity,
                "redirect",
                format!("`redirect_to` points at a missing page: {message}"),
            )
            .with_label("redirect target")
            .with_target(target.to_string()));
            if let Some(help) = help {
                d = d.with_help(help);
            }
            plan.diagnostics.push(d);
            return;
        }
    };
    plan.replaced.insert(i);
    plan.redirects.push(Redirect {
        from: page.url.path.clone(),
        output: page.url.output.clone(),
        to,
        page: Some(i),
    });
}

/// A file or generated page the target names, as a URL with the base path.
fn internal_url(urls: &SiteUrls, page_path: &str, target: &str, fragment: &str) -> String {
    if target.contains("://") || target.starts_with("//") {
        return target.to_string();
    }
    match site_path(page_path, target) {
        Some(path) => format!("{}{fragment}", urls.rebased(&path).unwrap_or(path)),
        None => target.to_string(),
    }
}

/// A relative or root-relative target as a site path.
fn site_path(page_path: &str, target: &str) -> Option<String> {
    let without_fragment = target.split('#').next().unwrap_or("");
    if without_fragment.starts_with('/') {
        return normalize(without_fragment);
    }
    let dir = &page_path[..page_path.rfind('/').map_or(0, |i| i + 1)];
    normalize(&format!("{dir}{without_fragment}"))
}

/// The aliases a page declares: `(key, Some(path))`, or `(key, None)` for a
/// value that is not text.
fn declared_aliases(page: &Page) -> Vec<(&'static str, Option<String>)> {
    let mut out = Vec::new();
    for key in ALIAS_KEYS {
        match page.front.extra.get(*key) {
            None | Some(Value::Null) => {}
            Some(Value::String(s)) => out.push((*key, Some(s.clone()))),
            Some(Value::Array(items)) => {
                for item in items {
                    out.push((*key, item.as_str().map(str::to_string)));
                }
            }
            Some(_) => out.push((*key, None)),
        }
    }
    out
}

/// An alias as a site path and an output file. Relative aliases are read
/// from the page's folder (as Hugo does); nothing may leave the site.
fn alias_path(page: &Page, alias: &str) -> Result<(String, String), String> {
    let alias = alias.trim();
    if alias.is_empty() {
        return Err("is empty".into());
    }
    if alias.contains("://") || alias.starts_with("//") {
        return Err("is a URL; an alias must be a path on this site".into());
    }
    if alias.contains('\\') || alias.contains('\0') || alias.contains('?') || alias.contains('#') {
        return Err("has characters a path on this site cannot have".into());
    }
    let decoded = percent_decode_str(alias).decode_utf8_lossy();
    let joined = if decoded.starts_with('/') {
        decoded.into_owned()
    } else {
        // Relative to the page's source folder, as Hugo reads aliases:
        // `legacy.html` on `sales/forecasting.md` is `/sales/legacy.html`.
        let rel = &page.rel_path;
        let dir = &rel[..rel.rfind('/').map_or(0, |i| i + 1)];
        url::site_path(&format!("{dir}{decoded}"))
    };
    old_place(&joined)
}

/// An old site path (`..` not yet resolved) as a site path and the output
/// file its redirect is written to; never the home page, never outside.
fn old_place(joined: &str) -> Result<(String, String), String> {
    let path = normalize(joined).ok_or("climbs out of the site with `..`")?;
    if path == "/" {
        return Err("is the home page".into());
    }
    let output = output_file(&path);
    if output
        .split('/')
        .any(|part| part.is_empty() || part == "..")
    {
        return Err("is not a file path inside the site".into());
    }
    Ok((path, output))
}

/// `/a/b/` and `/a/b` are written as `a/b/index.html`; `/a/b.html` as is.
fn output_file(path: &str) -> String {
    let rel = path.trim_start_matches('/');
    let last = rel.rsplit('/').next().unwrap_or(rel);
    if last.ends_with(".html") || last.ends_with(".htm") {
        rel.to_string()
    } else if rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        format!("{rel}/index.html")
    }
}

/// Where the value of `key` (or, for a list, the entry `value`) is written.
fn value_span(page: &Page, key: &str, value: &str) -> Range<usize> {
    let key_span = front_matter::key_span(&page.text, &page.split.front, key);
    if value.is_empty() || key_span.is_empty() {
        return key_span;
    }
    let search = key_span.end..page.split.front.end;
    match page.text.get(search.clone()).and_then(|t| t.find(value)) {
        Some(at) => search.start + at..search.start + at + value.len(),
        None => key_span,
    }
}

/// Characters written escaped in `_redirects` paths (it is space-separated).
const PATH_ESCAPES: &AsciiSet = &CONTROLS.add(b' ').add(b'"').add(b'<').add(b'>');

/// `_redirects`: one `FROM TO 301` line per redirect.
pub fn redirects_file(redirects: &[Redirect], urls: &SiteUrls) -> String {
    let mut out = String::from(
        "# Written by handbook from redirect_to, aliases, redirect_from and [redirects].\n",
    );
    for r in redirects {
        let from = urls.prefixed(&r.from);
        out.push_str(&utf8_percent_encode(&from, PATH_ESCAPES).to_string());
        out.push(' ');
        out.push_str(&utf8_percent_encode(&r.to, PATH_ESCAPES).to_string());
        out.push_str(" 301\n");
    }
    out
}

/// The page written at the old URL: sends browsers on at once, tells search
/// engines where the page lives now, and shows a link for everyone else.
pub fn redirect_html(to: &str, urls: &SiteUrls, language: &str) -> String {
    let canonical = urls.absolute_link(to);
    let to = escape(to);
    let canonical = escape(&canonical);
    let language = escape(language);
    format!(
        "<!doctype html>\n<html lang=\"{language}\">\n<head>\n<meta charset=\"utf-8\">\n\
<title>Redirecting…</title>\n<link rel=\"canonical\" href=\"{canonical}\">\n\
<meta name=\"robots\" content=\"noindex\">\n<meta http-equiv=\"refresh\" content=\"0; url={to}\">\n\
</head>\n<body>\n<p>This page has moved to <a href=\"{to}\">{to}</a>.</p>\n</body>\n</html>\n"
    )
}

mod site_settings;
use site_settings::{old_path, SiteSettings};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_files_for_alias_paths() {
        assert_eq!(output_file("/a/b/"), "a/b/index.html");
        assert_eq!(output_file("/a/b"), "a/b/index.html");
        assert_eq!(output_file("/a/b.html"), "a/b.html");
    }

    #[test]
    fn redirect_pages_escape_and_point_everywhere_at_the_target() {
        let urls = SiteUrls::new("/docs", "https://x.com/docs");
        let html = redirect_html("/docs/new/?a=1&b=2", &urls, "en");
        assert!(
            html.contains("<link rel=\"canonical\" href=\"https://x.com/docs/new/?a=1&amp;b=2\">")
        );
        assert!(html.contains("content=\"0; url=/docs/new/?a=1&amp;b=2\""));
        assert!(html.contains("<meta name=\"robots\" content=\"noindex\">"));
        let external = redirect_html("https://other.example/x", &urls, "en");
        assert!(external.contains("href=\"https://other.example/x\""));
    }

    #[test]
    fn redirects_file_lines() {
        let file = redirects_file(
            &[Redirect {
                from: "/old place/".into(),
                output: "old place/index.html".into(),
                to: "/docs/new/".into(),
                page: Some(0),
            }],
            &SiteUrls::links_under("/docs"),
        );
        assert!(
            file.ends_with("/docs/old%20place/ /docs/new/ 301\n"),
            "{file}"
        );
    }
}
